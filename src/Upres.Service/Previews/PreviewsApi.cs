using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Upres.Service.Accounts;
using Upres.Service.Jobs;
using Upres.Service.Problems;
using Upres.Service.Storage;
using Upres.Service.Uploads;

namespace Upres.Service.Previews;

/// What the page needs to show a video before and after: the same frame of the input and of the
/// result, a thumbnail strip of an upload for the trim timeline, and a signed link to play the input.
public static class PreviewsApi
{
    public sealed record InputLinkView(string Url, DateTimeOffset ExpiresAt);

    private const int MaxStripFrames = 24;

    public static RouteGroupBuilder MapPreviews(this RouteGroupBuilder v1)
    {
        v1.MapGet("/jobs/{id}/frame", Frame).WithName("JobFrame").Produces(StatusCodes.Status200OK, contentType: "image/png");
        v1.MapGet("/jobs/{id}/input-link", InputLink).WithName("JobInputLink");
        v1.MapGet("/uploads/{id}/strip", Strip).WithName("UploadStrip").Produces(StatusCodes.Status200OK, contentType: "image/jpeg");
        return v1;
    }

    public static IEndpointRouteBuilder MapInputDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/inputs/{id}", Input).WithTags("Results").WithName("DownloadInput");
        return app;
    }

    /// One frame as PNG, at `at` seconds on the result's timeline (0 = the first output frame): the
    /// input's frame is taken at the trim start plus `at`, so both sides show the same moment.
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Frame(
        string id, string side, double at, CurrentAccount me, JobService jobs, FrameRenderer frames, StorageRoot storage, CancellationToken ct)
    {
        if (await jobs.GetAsync(me.Id, id, ct) is not { } job)
        {
            return Errors.NotFound("job", id).ToProblem();
        }

        var length = job.Result?.Duration ?? job.Plan.Duration;
        if (!double.IsFinite(at) || at < 0 || at > length.TotalSeconds)
        {
            return Errors.Validation($"'at' must be between 0 and {length.TotalSeconds:0.###} seconds.").ToProblem();
        }

        if (side is not ("input" or "result"))
        {
            return Errors.Validation("'side' must be input or result.").ToProblem();
        }

        string path;
        var time = TimeSpan.FromSeconds(at);
        if (side == "result")
        {
            if (job is not { Status: JobStatus.Completed, Result: { } result, FilesDeletedAt: null } || !File.Exists(storage.PathOf(result.Key)))
            {
                return Errors.ResultUnavailable().ToProblem();
            }

            path = storage.PathOf(result.Key);
        }
        else
        {
            if (job.FilesDeletedAt is not null || string.IsNullOrEmpty(job.InputKey) || !File.Exists(storage.PathOf(job.InputKey)))
            {
                return InputUnavailable().ToProblem();
            }

            path = storage.PathOf(job.InputKey);
            time += TimeSpan.FromMilliseconds(job.Spec.EffectiveTrim().StartMs ?? 0);
        }

        try
        {
            return TypedResults.File(await frames.StillAsync(path, time, ct), "image/png");
        }
        catch (Exception e) when (e is ProcessFailedException or TimeoutException or UpscaleException)
        {
            return FrameFailed().ToProblem();
        }
    }

    public static async Task<Results<Ok<InputLinkView>, ProblemHttpResult>> InputLink(string id, CurrentAccount me, JobService jobs, ResultLinks links, StorageRoot storage, CancellationToken ct)
    {
        if (await jobs.GetAsync(me.Id, id, ct) is not { } job)
        {
            return Errors.NotFound("job", id).ToProblem();
        }

        if (job.FilesDeletedAt is not null || string.IsNullOrEmpty(job.InputKey) || !File.Exists(storage.PathOf(job.InputKey)))
        {
            return InputUnavailable().ToProblem();
        }

        var link = links.CreateInput(job.Id);
        return TypedResults.Ok(new InputLinkView(link.Url.ToString(), link.ExpiresAt));
    }

    public static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> Input(string id, long? expires, string? sig, ResultLinks links, IJobStore store, StorageRoot storage, CancellationToken ct)
    {
        if (expires is null || !links.VerifyInput(id, expires.Value, sig))
        {
            return Errors.LinkExpired().ToProblem();
        }

        var job = await store.GetAsync(id, ct);
        if (job is not { DeletedAt: null, FilesDeletedAt: null } || string.IsNullOrEmpty(job.InputKey) || !File.Exists(storage.PathOf(job.InputKey)))
        {
            return InputUnavailable().ToProblem();
        }

        // Stored without an extension; browsers sniff the container of a media element anyway.
        return TypedResults.PhysicalFile(storage.PathOf(job.InputKey), "video/mp4", enableRangeProcessing: true);
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Strip(
        string id, CurrentAccount me, IUploadStore uploads, FrameRenderer frames, StorageRoot storage, CancellationToken ct, int count = 10, int height = 64)
    {
        if (count is < 1 or > MaxStripFrames || height is < 16 or > 360)
        {
            return Errors.Validation($"'count' must be 1..{MaxStripFrames} and 'height' 16..360.").ToProblem();
        }

        if (await uploads.GetAsync(me.Id, id, ct) is not { } upload || !File.Exists(storage.PathOf(upload.Key)))
        {
            return Errors.NotFound("upload", id).ToProblem();
        }

        var probe = JsonSerializer.Deserialize<MediaInfo>(upload.ProbeJson)!;
        try
        {
            return TypedResults.File(await frames.StripAsync(storage.PathOf(upload.Key), probe, count, height, ct), "image/jpeg");
        }
        catch (Exception e) when (e is ProcessFailedException or TimeoutException or UpscaleException)
        {
            return FrameFailed().ToProblem();
        }
    }

    private static ServiceError InputUnavailable() => new("input_unavailable", StatusCodes.Status404NotFound, "The input file is not available.",
        "Inputs are deleted after the retention period, and a URL input exists only once it has been fetched.");

    private static ServiceError FrameFailed() => new("frame_failed", StatusCodes.Status422UnprocessableEntity, "No frame could be taken from the video at that time.");
}
