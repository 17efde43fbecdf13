using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using System.Text.Json;
using Upres.Service.Accounts;
using Upres.Service.Jobs;

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

    public static async Task<IResult> Export(HttpContext http, CurrentAccount account, JobService jobs, DialectInputs inputs, IOptions<DialectOptions> options, CancellationToken ct)
    {
        var request = DialectFlow.Valid(HitPawDialect.Validate(await DialectFlow.ReadBodyAsync(http.Request, ct)));
        var configured = options.Value.HitPawModelMap();
        DialectFlow.ThrowIf(HitPawDialect.CheckSupported(request, configured));

        var (upload, probe) = await inputs.FetchAsync(account.Id, request.VideoUrl, HitPawDialect.MaxInputBytes, ct);
        var video = probe.Video!;
        DialectFlow.ThrowIf(HitPawDialect.CheckInput(upload.SizeBytes, probe.FormatName, probe.Duration, video.Width, video.Height));
        var spec = HitPawDialect.ToSpec(request, configured);

        var created = await jobs.CreateAsync(new NewJob
        {
            AccountId = account.Id,
            Input = new JobInput(upload.Id, null),
            Spec = spec.ToJobSpec(),
            Dialect = HitPawDialect.Name,
            WebhookUrl = request.WebHookUrl,
            DialectData = DialectJson.Serialize(new HitPawJobData(request.ModelId, spec.Filter.ToString())
            {
                VideoUrl = request.VideoUrl,
                ModelName = request.ModelName,
            }),
            PriceQueryFor = DialectBilling.ByDuration(spec.CatalogModel),
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
