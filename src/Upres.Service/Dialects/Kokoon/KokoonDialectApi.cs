using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Upres.Engine.Media;
using Upres.Service.Accounts;
using Upres.Service.Jobs;
using Upres.Service.Uploads;

namespace Upres.Service.Dialects.Kokoon;

/// kokoon's video calls (upload, list, information) and task calls (create, list, information),
/// from docs.kokoon.cloud's Super Resolution API pages. The pages show no cancel or delete call.
public static class KokoonDialectApi
{
    public static RouteGroupBuilder MapKokoon(this IEndpointRouteBuilder app)
    {
        app.MapKokoonFiles();
        var group = app.MapDoor(KokoonDialect.Door);
        group.MapPost("/video", Upload).DisableAntiforgery();
        group.MapGet("/video", Videos);
        group.MapGet("/video/{vid}", Video);
        group.MapPost("/task", CreateTask);
        group.MapGet("/task", Tasks);
        group.MapGet("/task/{tid}", TaskInformation);
        return group;
    }

    public static async Task<IResult> Upload(HttpContext http, CurrentAccount account, UploadReceiver receiver, IUploadStore uploads, KokoonViews views, TimeProvider clock, CancellationToken ct)
    {
        var (upload, probe) = await receiver.ReceiveAsync(http.Request, account.Id, "file", null, ct);
        upload = await KeepAsync(upload, uploads, views, clock, ct);
        return DialectJson.Write(200, views.Original(upload, probe));
    }

    public static async Task<IResult> Video(string vid, CurrentAccount account, JobService jobs, DialectInputs inputs, KokoonViews views, CancellationToken ct)
    {
        if (KokoonIds.JobOf(vid) is { } jobId)
        {
            var job = await jobs.GetAsync(account.Id, jobId, ct) ?? throw NotFound(vid);
            return DialectJson.Write(200, views.Result(job));
        }

        var original = await inputs.GetAsync(account.Id, vid, ct) ?? throw NotFound(vid);
        return DialectJson.Write(200, views.Original(original.Upload, original.Probe));
    }

    public static async Task<IResult> Videos(HttpContext http, CurrentAccount account, JobService jobs, IUploadStore uploads, KokoonViews views, CancellationToken ct)
    {
        var query = KokoonListQuery.Read(http.Request.Query);
        var q = http.Request.Query;
        var origType = Filter(q, "orig_type", ["sr", "original"]);
        var orderField = Filter(q, "order_field", ["created_time", "expired_time", "filename"]) ?? "created_time";
        var order = Filter(q, "order", ["asc", "desc"]) ?? "desc";
        var name = q["filename"].ToString();

        var videos = new List<(KokoonVideo Video, DateTimeOffset Created)>();
        if (origType is null or "original")
        {
            foreach (var upload in await uploads.ListAsync(account.Id, ct))
            {
                videos.Add((views.Original(upload, JsonSerializer.Deserialize<MediaInfo>(upload.ProbeJson)!), upload.CreatedAt));
            }
        }

        if (origType is null or "sr")
        {
            foreach (var job in await jobs.ListAsync(new JobListQuery(account.Id, Dialect: KokoonDialect.Name, Limit: 10_000), ct))
            {
                videos.Add((views.Result(job), job.CreatedAt));
            }
        }

        var matching = videos
            .Where(v => query.InRange(v.Created) && (name.Length == 0 || v.Video.Filename.Contains(name, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        // Timestamps are ISO 8601 in UTC with fixed width, so text order is time order.
        Func<(KokoonVideo Video, DateTimeOffset Created), string> key = orderField switch
        {
            "expired_time" => v => v.Video.ExpiredTime ?? "",
            "filename" => v => v.Video.Filename,
            _ => v => v.Video.CreatedTime,
        };
        var sorted = (order == "asc" ? matching.OrderBy(key, StringComparer.Ordinal) : matching.OrderByDescending(key, StringComparer.Ordinal))
            .Select(v => v.Video).ToList();
        var page = query.Page(sorted);
        return DialectJson.Write(200, new KokoonVideoList
        {
            AllCount = sorted.Count,
            CurrCount = page.Count,
            PageSize = query.RawPageSize,
            PageNum = query.RawPageNum,
            StartDate = query.RawStart,
            EndDate = query.RawEnd,
            OrigType = origType,
            Filename = name.Length == 0 ? null : name,
            OrderField = orderField,
            Order = order,
            Videos = page,
        });
    }

    public static async Task<IResult> CreateTask(HttpContext http, CurrentAccount account, JobService jobs, DialectInputs inputs, IUploadStore uploads, KokoonViews views,
        TimeProvider clock, IOptions<DialectOptions> dialectOptions, CancellationToken ct)
    {
        var body = await DialectFlow.ReadBodyAsync(http.Request, ct);
        var request = DialectFlow.Valid(KokoonDialect.Validate(body));
        var faceModel = dialectOptions.Value.FaceModel;
        DialectFlow.ThrowIf(KokoonDialect.CheckSupported(request, faceModel));
        var (upload, probe) = await inputs.GetAsync(account.Id, request.Vid, ct) ?? throw NotFound(request.Vid);
        DialectFlow.ThrowIf(KokoonDialect.CheckRange(request, probe.Duration));

        // use_trim_orig makes the range a new original video (the task's in_vid); the job itself reads
        // the original with the range as its trim fields, in one pass.
        var input = upload;
        if (request.UseTrimOrig)
        {
            (input, _) = await inputs.TrimAsync(upload, request.StartPos, request.Duration, ct);
            input = await KeepAsync(input, uploads, views, clock, ct);
        }

        var spec = KokoonDialect.ToSpec(request, upload.Id, faceModel);
        var created = await jobs.CreateAsync(new NewJob
        {
            AccountId = account.Id,
            Input = new JobInput(upload.Id, null),
            Spec = spec.ToJobSpec(),
            Dialect = KokoonDialect.Name,
            DialectData = DialectJson.Serialize(new KokoonJobData(request.Category, request.TaskType, input.Id, input.FileName)
            {
                RequestBody = JsonDocument.Parse(body).RootElement.Clone(),
            }),
            PriceQueryFor = DialectBilling.ByDuration(spec.CatalogModel),
        }, ct);
        var job = created.Job!;
        return DialectJson.Write(200, new KokoonTaskResponse(job.Id, input.Id, KokoonIds.OutVid(job.Id)));
    }

    public static async Task<IResult> TaskInformation(string tid, CurrentAccount account, JobService jobs, DialectInputs inputs, KokoonViews views, CancellationToken ct)
    {
        var job = await jobs.GetAsync(account.Id, tid, ct) ?? throw DialectFlow.Problem(ProblemKind.NotFound, $"task not found: {tid}", "tid");
        var inVid = KokoonViews.Data(job)?.InVid ?? job.Input.UploadId;
        var original = inVid is null ? null : await inputs.GetAsync(account.Id, inVid, ct);
        return DialectJson.Write(200, views.Task(job, original));
    }

    public static async Task<IResult> Tasks(HttpContext http, CurrentAccount account, JobService jobs, IUploadStore uploads, KokoonViews views, CancellationToken ct)
    {
        var query = KokoonListQuery.Read(http.Request.Query);
        var q = http.Request.Query;
        var taskType = Filter(q, "task_type", ["SR", "SR_PREVIEW"]);
        var stepText = q["step"].ToString();
        var steps = stepText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var step in steps)
        {
            if (!KokoonDialect.Steps.Contains(step, StringComparer.Ordinal))
            {
                throw DialectFlow.Problem(ProblemKind.InvalidValue, $"step '{step}' is not one of {string.Join(", ", KokoonDialect.Steps)}", "step");
            }
        }

        var originals = (await uploads.ListAsync(account.Id, ct)).ToDictionary(u => u.Id, StringComparer.Ordinal);
        var all = new List<KokoonTaskSummary>();
        foreach (var job in await jobs.ListAsync(new JobListQuery(account.Id, Dialect: KokoonDialect.Name, Limit: 10_000), ct))
        {
            if (!query.InRange(job.CreatedAt))
            {
                continue;
            }

            var inVid = KokoonViews.Data(job)?.InVid ?? job.Input.UploadId;
            (UploadRecord, MediaInfo)? original = inVid is not null && originals.TryGetValue(inVid, out var u)
                ? (u, JsonSerializer.Deserialize<MediaInfo>(u.ProbeJson)!)
                : null;
            var summary = views.Summary(job, original);
            if ((taskType is null || summary.TaskType == taskType) && (steps.Length == 0 || steps.Contains(summary.Step, StringComparer.Ordinal)))
            {
                all.Add(summary);
            }
        }

        var page = query.Page(all);
        return DialectJson.Write(200, new KokoonTaskList
        {
            AllCount = all.Count,
            CurrCount = page.Count,
            PageSize = query.RawPageSize,
            PageNum = query.RawPageNum,
            StartDate = query.RawStart,
            EndDate = query.RawEnd,
            Step = stepText.Length == 0 ? null : stepText,
            TaskType = taskType,
            SrTasks = page,
        });
    }

    /// kokoon keeps originals 14 days (UPRES_KOKOON_ORIGINAL_DAYS), longer than Upres's retention.
    private static async Task<UploadRecord> KeepAsync(UploadRecord upload, IUploadStore uploads, KokoonViews views, TimeProvider clock, CancellationToken ct)
    {
        var until = clock.GetUtcNow() + views.OriginalLifetime;
        await uploads.KeepUntilAsync(upload.Id, until, ct);
        return upload with { KeptUntil = until };
    }

    private static string? Filter(IQueryCollection query, string name, string[] allowed)
    {
        var value = query[name].ToString();
        if (value.Length == 0)
        {
            return null;
        }

        return allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw DialectFlow.Problem(ProblemKind.InvalidValue, $"{name} '{value}' is not one of {string.Join(", ", allowed)}", name);
    }

    private static DialectProblemException NotFound(string vid) => DialectFlow.Problem(ProblemKind.NotFound, $"video not found: {vid}", "vid");
}
