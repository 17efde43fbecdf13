using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Upres.Service.Jobs;

namespace Upres.Service.Dialects.HitPaw;

/// POST /api/v3/video-enhancer/export and POST /api/v3/video-enhancer-api/task.
public static class HitPawDialectApi
{
    public static RouteGroupBuilder MapHitPaw(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v3").WithTags("Dialect: HitPaw").ExcludeFromDescription();
        group.MapPost("/video-enhancer/export", Export);
        group.MapPost("/video-enhancer-api/task", Task);
        return group;
    }

    public static Task<IResult> Export(HttpContext http, JobService jobs, DialectInputs inputs, IOptions<DialectOptions> options, CancellationToken ct) => DialectFlow.RunAsync(http, Fail, async () =>
    {
        var account = await AuthenticateAsync(http, ct);
        var request = DialectFlow.Valid(HitPawDialect.Validate(await DialectFlow.ReadBodyAsync(http.Request, ct)));
        var configured = options.Value.HitPawModelMap();
        DialectFlow.ThrowIf(HitPawDialect.CheckSupported(request, configured));

        var (upload, probe) = await inputs.FetchAsync(account.Id, request.VideoUrl, HitPawDialect.MaxInputBytes, ct);
        var video = probe.Video!;
        DialectFlow.ThrowIf(HitPawDialect.CheckInput(upload.SizeBytes, probe.FormatName, probe.Duration, video.Width, video.Height));
        var spec = HitPawDialect.ToSpec(request, configured);
        if (spec.Filter != ClassicalFilter.None)
        {
            (upload, _) = await inputs.FilterAsync(upload, spec.Filter, ct);
        }

        var created = await jobs.CreateAsync(new NewJob
        {
            AccountId = account.Id,
            Input = new JobInput(upload.Id, null),
            Spec = spec.ToJobSpec(),
            Dialect = HitPawDialect.Name,
            WebhookUrl = request.WebHookUrl,
            DialectData = DialectJson.Serialize(new HitPawJobData(request.ModelId, spec.Filter.ToString())),
            PriceQueryFor = DialectBilling.ByDuration(spec.CatalogModel),
        }, ct);
        return DialectJson.Write(200, new HitPawEnvelope<HitPawJobId>(200, "Success", new HitPawJobId(created.Job!.Id)));
    });

    public static Task<IResult> Task(HttpContext http, JobService jobs, CancellationToken ct) => DialectFlow.RunAsync(http, Fail, async () =>
    {
        var account = await AuthenticateAsync(http, ct);
        var query = DialectFlow.Valid(HitPawDialect.ValidateQuery(await DialectFlow.ReadBodyAsync(http.Request, ct)));
        var job = await jobs.GetAsync(account.Id, query.JobId, ct)
            ?? throw DialectFlow.Problem(ProblemKind.NotFound, $"The job_id {query.JobId} is not found", "job_id");
        return DialectJson.Write(200, new HitPawEnvelope<HitPawJobStatus>(200, "OK", View(job, jobs.ResultLinkFor(job)?.Url.ToString())));
    });

    public static HitPawJobStatus View(JobRecord job, string? resultUrl) =>
        new(job.Id, HitPawDialect.Status(job.Status), job.Status == JobStatus.Completed ? resultUrl ?? "" : "");

    private static async Task<Accounts.Account> AuthenticateAsync(HttpContext http, CancellationToken ct) =>
        await DialectAuth.AuthenticateAsync(http, AuthHeaders.ApiKey(http.Request.Headers["ApiKey"]), ct)
            ?? throw DialectFlow.Problem(ProblemKind.Unauthorized, "The ApiKey is not valid");

    private static IResult Fail(DialectProblem problem)
    {
        var (status, body) = HitPawDialect.Error(problem);
        return DialectJson.Write(status, body);
    }
}
