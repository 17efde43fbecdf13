using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Upres.Service.Accounts;
using Upres.Service.Jobs;
using Upres.Service.Problems;
using Upres.Service.Security;

namespace Upres.Service.Dialects.KieAi;

/// POST /api/v1/jobs/createTask and GET /api/v1/jobs/recordInfo?taskId=...
public static class KieDialectApi
{
    public static RouteGroupBuilder MapKieAi(this IEndpointRouteBuilder app)
    {
        var group = app.MapDoor(KieDialect.Door);
        group.MapPost("/createTask", CreateTask);
        group.MapGet("/recordInfo", RecordInfo);
        return group;
    }

    /// kie.ai documents its size and format limits as createTask refusals: the create looks at the
    /// URL once (declared size and first bytes, 1 s) after the credit check and refuses what that
    /// shows; anything it cannot see is the worker's to find (KieIntakeRules), as the task's failMsg.
    private static readonly TimeSpan GlanceWithin = TimeSpan.FromSeconds(1);

    public static async Task<IResult> CreateTask(HttpContext http, CurrentAccount account, JobService jobs, UrlFetcher fetcher, CancellationToken ct)
    {
        var body = await DialectFlow.ReadBodyAsync(http.Request, ct);
        var request = DialectFlow.Valid(KieDialect.Validate(body));

        var spec = KieDialect.ToSpec(request, body);
        await jobs.RequireLeastPriceAsync(account.Id, spec.ToJobSpec(), ct);
        UrlGlance? glance = null;
        try
        {
            glance = await fetcher.GlanceAsync(request.Input.VideoUrl, long.MaxValue, GlanceWithin, ct);
        }
        catch (ServiceException)
        {
            // Unreachable or slow now: the worker fetches with its own deadline and reports.
        }

        if (glance is not null)
        {
            DialectFlow.ThrowIf(KieDialect.CheckInput(glance.DeclaredBytes ?? 0, glance.SniffedFormat() ?? KieIntakeRules.UnknownFormat));
        }

        var created = await jobs.CreateAsync(new NewJob
        {
            AccountId = account.Id,
            Input = new JobInput(null, request.Input.VideoUrl),
            Spec = spec.ToJobSpec(),
            Dialect = KieDialect.Name,
            WebhookUrl = request.CallBackUrl,
            DialectData = DialectJson.Serialize(new KieJobData(request.Model, body.Trim())),
        }, ct);
        return DialectJson.Write(200, new KieEnvelope<KieTaskId>(200, "success", new KieTaskId(KieDialect.TaskId(created.Job!.Id))));
    }

    public static async Task<IResult> RecordInfo(HttpContext http, CurrentAccount account, JobService jobs, CancellationToken ct)
    {
        var taskId = http.Request.Query["taskId"].ToString();
        if (string.IsNullOrEmpty(taskId))
        {
            throw DialectFlow.Problem(ProblemKind.MissingField, "taskId parameter is required", "taskId");
        }

        var job = KieDialect.JobId(taskId) is { } jobId ? await jobs.GetAsync(account.Id, jobId, ct) : null;
        if (job is null)
        {
            throw DialectFlow.Problem(ProblemKind.NotFound, KieDialect.RecordInfoIsNull, "taskId");
        }

        var record = KieRecords.From(job, jobs.ResultLinkFor(job)?.Url.ToString());
        return DialectJson.Write(200, new KieEnvelope<KieRecordInfo>(200, "success", record));
    }
}
