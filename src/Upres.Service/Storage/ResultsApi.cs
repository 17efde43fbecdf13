using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Upres.Service.Jobs;
using Upres.Service.Problems;

namespace Upres.Service.Storage;

/// Signed result downloads: no API key, the signature is the permission. Range requests supported.
public static class ResultsApi
{
    public static IEndpointRouteBuilder MapResults(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/results/{id}", Download).WithTags("Results").WithName("DownloadResult");
        return app;
    }

    public static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> Download(string id, long? expires, string? sig, ResultLinks links, IJobStore store, StorageRoot storage, CancellationToken ct)
    {
        if (expires is null || !links.Verify(id, expires.Value, sig))
        {
            return Errors.LinkExpired().ToProblem();
        }

        var job = await store.GetAsync(id, ct);
        if (job is not { Status: JobStatus.Completed, Result: { } result, DeletedAt: null, FilesDeletedAt: null } || !File.Exists(storage.PathOf(result.Key)))
        {
            return Errors.ResultUnavailable().ToProblem();
        }

        var contentType = job.Spec.FileExtension switch
        {
            ".mkv" => "video/x-matroska",
            ".mov" => "video/quicktime",
            ".webm" => "video/webm",
            _ => "video/mp4",
        };
        return TypedResults.PhysicalFile(storage.PathOf(result.Key), contentType, $"{id}{job.Spec.FileExtension}", enableRangeProcessing: true);
    }
}
