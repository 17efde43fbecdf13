using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using System.Text.Json;
using Upres.Service.Accounts;
using Upres.Service.Jobs;
using Upres.Service.Problems;
using Upres.Service.Security;

namespace Upres.Service.Dialects.HitPaw;

/// POST /api/v3/video-enhancer/export and POST /api/v3/video-enhancer-api/task.
public static class HitPawDialectApi
{
    public static RouteGroupBuilder MapHitPaw(this IEndpointRouteBuilder app)
    {
        var group = app.MapDoor(HitPawDialect.Door);
        group.MapPost("/video-enhancer/export", Export);
        group.MapPost("/video-enhancer-api/task", QueryTask);
        return group;
    }

    /// HitPaw documents 501016 for a video URL it cannot reach, answered by the create: the one
    /// bounded look (status, declared size and 16 bytes, 1 s), after the credit check.
    private static readonly TimeSpan ReachableWithin = TimeSpan.FromSeconds(1);

    public static async Task<IResult> Export(HttpContext http, CurrentAccount account, JobService jobs, UrlFetcher fetcher, IOptions<DialectOptions> options, CancellationToken ct)
    {
        var request = DialectFlow.Valid(HitPawDialect.Validate(await DialectFlow.ReadBodyAsync(http.Request, ct)));
        var configured = options.Value.HitPawModelMap();
        DialectFlow.ThrowIf(HitPawDialect.CheckSupported(request, configured));

        // The file is fetched, checked against HitPaw's limits and filtered by the worker
        // (HitPawIntakeRules); a refusal fails the job in HitPaw's words when it is queried.
        var spec = HitPawDialect.ToSpec(request, configured);
        await jobs.RequireLeastPriceAsync(account.Id, spec.ToJobSpec(), ct);
        try
        {
            await fetcher.GlanceAsync(request.VideoUrl, HitPawDialect.MaxInputBytes, ReachableWithin, ct);
        }
        catch (ServiceException e)
        {
            throw DialectFlow.Problem(ProblemKind.InputRejected, e.Error.Detail ?? e.Error.Title, "video_url");
        }

        var created = await jobs.CreateAsync(new NewJob
        {
            AccountId = account.Id,
            Input = new JobInput(null, request.VideoUrl),
            Spec = spec.ToJobSpec(),
            Dialect = HitPawDialect.Name,
            WebhookUrl = request.WebHookUrl,
            DialectData = DialectJson.Serialize(new HitPawJobData(request.ModelId, spec.Filter.ToString())
            {
                VideoUrl = request.VideoUrl,
                ModelName = request.ModelName,
            }),
        }, ct);
        return DialectJson.Write(200, new HitPawEnvelope<HitPawJobId>(200, "Success", new HitPawJobId(created.Job!.Id)));
    }

    public static async Task<IResult> QueryTask(HttpContext http, CurrentAccount account, JobService jobs, CancellationToken ct)
    {
        var query = DialectFlow.Valid(HitPawDialect.ValidateQuery(await DialectFlow.ReadBodyAsync(http.Request, ct)));
        var job = await jobs.GetAsync(account.Id, query.JobId, ct)
            ?? throw DialectFlow.Problem(ProblemKind.NotFound, $"The job_id {query.JobId} is not found", "job_id");
        return DialectJson.Write(200, new HitPawEnvelope<HitPawTaskData>(200, "OK", TaskData(job, jobs.ResultLinkFor(job)?.Url.ToString())));
    }

    public static HitPawJobStatus View(JobRecord job, string? resultUrl) =>
        new(job.Id, HitPawDialect.Status(job.Status), job.Status == JobStatus.Completed ? resultUrl ?? "" : "");

    public static HitPawTaskData TaskData(JobRecord job, string? resultUrl)
    {
        var view = View(job, resultUrl);
        var data = job.DialectData is not null && job.Dialect == HitPawDialect.Name
            ? JsonSerializer.Deserialize<HitPawJobData>(job.DialectData, DialectJson.Options)
            : null;
        return new HitPawTaskData(view.JobId, view.Status, view.ResUrl, data?.VideoUrl ?? "");
    }
}
