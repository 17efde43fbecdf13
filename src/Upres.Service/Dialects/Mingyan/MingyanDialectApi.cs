using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Upres.Service.Accounts;
using Upres.Service.Jobs;

namespace Upres.Service.Dialects.Mingyan;

/// POST /kyyReactApiServer/v1/super-resolution/videos and GET /kyyReactApiServer/v1/result/{id}.
public static class MingyanDialectApi
{
    public static RouteGroupBuilder MapMingyan(this IEndpointRouteBuilder app)
    {
        var group = app.MapDoor(MingyanDialect.Door);
        group.MapPost("/super-resolution/videos", Create);
        group.MapGet("/result/{id}", Result);
        return group;
    }

    public static async Task<IResult> Create(HttpContext http, CurrentAccount account, JobService jobs, CancellationToken ct)
    {
        var request = DialectFlow.Valid(MingyanDialect.Validate(await DialectFlow.ReadBodyAsync(http.Request, ct)));
        var model = MingyanModel.Find(request.Model)!;

        var spec = MingyanDialect.ToSpec(request);
        var created = await jobs.CreateAsync(new NewJob
        {
            AccountId = account.Id,
            Input = new JobInput(null, request.VideoUrl),
            Spec = spec.ToJobSpec(),
            Dialect = MingyanDialect.Name,
            DialectData = DialectJson.Serialize(new MingyanJobData(model.Name)),
        }, ct);
        return DialectJson.Write(200, View(created.Job!, null));
    }

    public static async Task<IResult> Result(string id, CurrentAccount account, JobService jobs, CancellationToken ct)
    {
        var job = await jobs.GetAsync(account.Id, id, ct) ?? throw DialectFlow.Problem(ProblemKind.NotFound, $"task '{id}' not found");
        var view = View(job, jobs.ResultLinkFor(job)?.Url.ToString());
        return DialectJson.Write(200, view with { Model = null });
    }

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
}
