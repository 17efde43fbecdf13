using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Upres.Service.Jobs;

namespace Upres.Service.Dialects.Mingyan;

/// POST /kyyReactApiServer/v1/super-resolution/videos and GET /kyyReactApiServer/v1/result/{id}.
public static class MingyanDialectApi
{
    public static RouteGroupBuilder MapMingyan(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(MingyanDialect.BasePath).WithTags("Dialect: mingyan").ExcludeFromDescription();
        group.MapPost("/super-resolution/videos", Create);
        group.MapGet("/result/{id}", Result);
        return group;
    }

    public static Task<IResult> Create(HttpContext http, JobService jobs, DialectInputs inputs, CancellationToken ct) => DialectFlow.RunAsync(http, Fail, async () =>
    {
        var account = await DialectAuth.AuthenticateAsync(http, AuthHeaders.Bearer(http.Request.Headers.Authorization), ct)
            ?? throw DialectFlow.Problem(ProblemKind.Unauthorized, "invalid or missing API key; send 'Authorization: Bearer KEY'");
        var request = DialectFlow.Valid(MingyanDialect.Validate(await DialectFlow.ReadBodyAsync(http.Request, ct)));
        var model = MingyanModel.Find(request.Model)!;

        var (upload, probe) = await inputs.FetchAsync(account.Id, request.VideoUrl, null, ct);
        DialectFlow.ThrowIf(MingyanDialect.CheckInput(model, probe.Video!.FrameRate));
        var spec = MingyanDialect.ToSpec(request);
        var created = await jobs.CreateAsync(new NewJob
        {
            AccountId = account.Id,
            Input = new JobInput(upload.Id, null),
            Spec = spec.ToJobSpec(),
            Dialect = MingyanDialect.Name,
            DialectData = DialectJson.Serialize(new MingyanJobData(model.Name)),
            PriceQueryFor = MingyanDialect.Billing(model),
        }, ct);
        return DialectJson.Write(200, View(created.Job!, null));
    });

    public static Task<IResult> Result(string id, HttpContext http, JobService jobs, CancellationToken ct) => DialectFlow.RunAsync(http, Fail, async () =>
    {
        var account = await DialectAuth.AuthenticateAsync(http, AuthHeaders.Bearer(http.Request.Headers.Authorization), ct)
            ?? throw DialectFlow.Problem(ProblemKind.Unauthorized, "invalid or missing API key; send 'Authorization: Bearer KEY'");
        var job = await jobs.GetAsync(account.Id, id, ct) ?? throw DialectFlow.Problem(ProblemKind.NotFound, $"task '{id}' not found");
        var view = View(job, jobs.ResultLinkFor(job)?.Url.ToString());
        return DialectJson.Write(200, view with { Model = null });
    });

    public static MingyanTask View(JobRecord job, string? resultUrl) => new()
    {
        Id = job.Id,
        Created = job.CreatedAt.ToUnixTimeSeconds(),
        Model = ModelOf(job),
        Status = MingyanDialect.StatusWord(job.Status),
        VideoUrl = job.Status == JobStatus.Completed ? resultUrl : null,
        ActualDuration = job.Status == JobStatus.Completed && job.Result is { } r ? Math.Round(r.Duration.TotalSeconds, 3) : null,
        Error = job.Status switch
        {
            JobStatus.Failed => job.ErrorMessage ?? job.ErrorCode ?? "failed",
            JobStatus.Cancelled => "cancelled",
            _ => null,
        },
    };

    private static string? ModelOf(JobRecord job)
    {
        if (job.DialectData is null || job.Dialect != MingyanDialect.Name)
        {
            return null;
        }

        return JsonSerializer.Deserialize<MingyanJobData>(job.DialectData, DialectJson.Options)?.Model;
    }

    private static IResult Fail(DialectProblem problem)
    {
        var (status, body) = MingyanDialect.Error(problem);
        return DialectJson.Write(status, body);
    }
}
