using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Upres.Engine.Media;
using Upres.Service.Hosting;
using Upres.Service.Jobs;
using Upres.Service.Uploads;

namespace Upres.Service.Dialects.Kokoon;

/// POST /kokoon/api/sr/v3/video (upload), GET /kokoon/api/sr/v3/video/{vid} (info),
/// POST /kokoon/api/sr/v3/task (SR or SR_PREVIEW).
public static class KokoonDialectApi
{
    public static RouteGroupBuilder MapKokoon(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(KokoonDialect.BasePath).WithTags("Dialect: kokoon").ExcludeFromDescription();
        group.MapPost("/video", Upload).DisableAntiforgery();
        group.MapGet("/video/{vid}", Video);
        group.MapPost("/task", CreateTask);
        return group;
    }

    public static Task<IResult> Upload(HttpContext http, UploadReceiver receiver, IOptions<UpresOptions> options, CancellationToken ct) => DialectFlow.RunAsync(http, Fail, async () =>
    {
        var account = await AuthenticateAsync(http, ct);
        var (upload, probe) = await receiver.ReceiveAsync(http.Request, account.Id, "file", null, ct);
        return DialectJson.Write(200, Original(upload, probe, options.Value));
    });

    public static Task<IResult> Video(string vid, HttpContext http, JobService jobs, DialectInputs inputs, IOptions<UpresOptions> options, CancellationToken ct) => DialectFlow.RunAsync(http, Fail, async () =>
    {
        var account = await AuthenticateAsync(http, ct);
        if (KokoonIds.JobOf(vid) is { } jobId)
        {
            var job = await jobs.GetAsync(account.Id, jobId, ct) ?? throw NotFound(vid);
            return DialectJson.Write(200, Result(job, jobs.ResultLinkFor(job)?.Url.ToString(), options.Value));
        }

        var original = await inputs.GetAsync(account.Id, vid, ct) ?? throw NotFound(vid);
        return DialectJson.Write(200, Original(original.Upload, original.Probe, options.Value));
    });

    public static Task<IResult> CreateTask(HttpContext http, JobService jobs, DialectInputs inputs, IOptions<DialectOptions> dialectOptions, CancellationToken ct) => DialectFlow.RunAsync(http, Fail, async () =>
    {
        var account = await AuthenticateAsync(http, ct);
        var request = DialectFlow.Valid(KokoonDialect.Validate(await DialectFlow.ReadBodyAsync(http.Request, ct)));
        var faceModel = dialectOptions.Value.FaceModel;
        DialectFlow.ThrowIf(KokoonDialect.CheckSupported(request, faceModel));
        var (upload, probe) = await inputs.GetAsync(account.Id, request.Vid, ct) ?? throw NotFound(request.Vid);
        DialectFlow.ThrowIf(KokoonDialect.CheckRange(request, probe.Duration));

        var input = upload;
        if (request.UseTrimOrig)
        {
            (input, _) = await inputs.TrimAsync(upload, request.StartPos, request.Duration, ct);
        }

        var spec = KokoonDialect.ToSpec(request, input.Id, faceModel);
        var created = await jobs.CreateAsync(new NewJob
        {
            AccountId = account.Id,
            Input = new JobInput(input.Id, null),
            Spec = spec.ToJobSpec(),
            Dialect = KokoonDialect.Name,
            DialectData = DialectJson.Serialize(new KokoonJobData(request.Category, request.TaskType, input.Id, input.FileName)),
            PriceQueryFor = DialectBilling.ByDuration(spec.CatalogModel),
        }, ct);
        var job = created.Job!;
        return DialectJson.Write(200, new KokoonTaskResponse(job.Id, input.Id, KokoonIds.OutVid(job.Id)));
    });

    public static KokoonVideo Original(UploadRecord upload, MediaInfo probe, UpresOptions options)
    {
        var video = probe.Video;
        var fps = video?.FrameRate ?? 0;
        return new KokoonVideo
        {
            Uid = upload.AccountId,
            Vid = upload.Id,
            CreatedTime = KokoonDialect.Timestamp(upload.CreatedAt),
            Filename = upload.FileName ?? upload.Id,
            Size = upload.SizeBytes,
            CodecName = video?.CodecName,
            Fps = KokoonDialect.FpsRational(fps),
            Duration = KokoonDialect.Seconds(probe.Duration),
            NbFrames = (video?.FrameCount ?? (long)Math.Round(fps * probe.Duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
            Bitrate = Bitrate(upload.SizeBytes, probe.Duration),
            Width = video?.Width ?? 0,
            Height = video?.Height ?? 0,
            ExpiredTime = KokoonDialect.Timestamp(upload.CreatedAt + options.Retention),
            State = "completed",
            Progress = 100,
            IsRotated = video is { Rotation: not 0 },
            IsInterlaced = video?.FieldOrder is { } order && order is not ("progressive" or "unknown"),
        };
    }

    public static KokoonVideo Result(JobRecord job, string? url, UpresOptions options)
    {
        var data = job.DialectData is not null && job.Dialect == KokoonDialect.Name
            ? JsonSerializer.Deserialize<KokoonJobData>(job.DialectData, DialectJson.Options)
            : null;
        var result = job.Status == JobStatus.Completed ? job.Result : null;
        var duration = result?.Duration ?? job.Plan.Duration;
        var fps = result?.FrameRate ?? job.Plan.FrameRate;
        var baseName = Path.GetFileNameWithoutExtension(data?.Filename ?? job.Input.UploadId ?? job.Id);
        return new KokoonVideo
        {
            Uid = job.AccountId,
            Vid = KokoonIds.OutVid(job.Id),
            Pid = job.Input.UploadId ?? KokoonVideo.NilId,
            Tid = job.Id,
            CreatedTime = KokoonDialect.Timestamp(job.CreatedAt),
            Filename = baseName + "_sr" + job.Spec.FileExtension,
            Size = result?.SizeBytes ?? 0,
            CodecName = CodecName(job.Spec.Codec),
            Fps = KokoonDialect.FpsRational(fps),
            Duration = KokoonDialect.Seconds(duration),
            NbFrames = (result?.Frames ?? job.Plan.Frames).ToString(CultureInfo.InvariantCulture),
            Bitrate = result is null ? "0" : Bitrate(result.SizeBytes, result.Duration),
            Width = result?.Width ?? job.Plan.Width,
            Height = result?.Height ?? job.Plan.Height,
            ExpiredTime = KokoonDialect.Timestamp((job.FinishedAt ?? job.CreatedAt) + options.Retention),
            State = KokoonDialect.State(job.Status),
            Progress = job.Status == JobStatus.Completed ? 100 : (int)Math.Floor(job.Progress * 100),
            Url = job.Status == JobStatus.Completed ? url : null,
            LastCategory = data?.Category,
            Error = job.Status switch
            {
                JobStatus.Failed => job.ErrorMessage ?? job.ErrorCode ?? "failed",
                JobStatus.Cancelled => "cancelled",
                _ => null,
            },
        };
    }

    private static string CodecName(Upres.Engine.Pipeline.VideoCodec codec) => codec switch
    {
        Upres.Engine.Pipeline.VideoCodec.H265 => "hevc",
        Upres.Engine.Pipeline.VideoCodec.Vp9 => "vp9",
        Upres.Engine.Pipeline.VideoCodec.Av1 => "av1",
        Upres.Engine.Pipeline.VideoCodec.ProRes => "prores",
        _ => "h264",
    };

    private static string Bitrate(long sizeBytes, TimeSpan duration) =>
        duration.TotalSeconds > 0 ? ((long)(sizeBytes * 8 / duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture) : "0";

    private static async Task<Accounts.Account> AuthenticateAsync(HttpContext http, CancellationToken ct) =>
        await DialectAuth.AuthenticateAsync(http, AuthHeaders.Bare(http.Request.Headers.Authorization), ct)
            ?? throw DialectFlow.Problem(ProblemKind.Unauthorized, "unauthorized");

    private static DialectProblemException NotFound(string vid) => DialectFlow.Problem(ProblemKind.NotFound, $"video not found: {vid}", "vid");

    private static IResult Fail(DialectProblem problem)
    {
        var (status, body) = KokoonDialect.Error(problem);
        return DialectJson.Write(status, body);
    }
}
