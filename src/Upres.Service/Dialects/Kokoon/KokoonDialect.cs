using System.Globalization;
using Microsoft.AspNetCore.Http;
using Upres.Engine.Pipeline;
using Upres.Service.Jobs;

namespace Upres.Service.Dialects.Kokoon;

/// kokoon: validation, mapping onto the core, video states, prices and errors. No HTTP here.
public static class KokoonDialect
{
    public const string Name = "kokoon";
    public const string BasePath = "/kokoon/api/sr/v3";

    /// `Authorization: TOKEN` with no scheme; every error under /kokoon is `{"message": ...}`.
    public static Door Door { get; } = new()
    {
        Name = Name,
        BasePath = BasePath,
        ErrorScope = "/kokoon",
        ReadKey = request => AuthHeaders.Bare(request.Headers.Authorization),
        UnauthorizedMessage = "unauthorized",
        Render = Fail,
    };

    /// The task `step` words of kokoon's task pages, in order.
    public static readonly IReadOnlyList<string> Steps = ["ready", "preparing", "prepared", "running", "done", "cancel", "unknown", "error"];

    public static readonly IReadOnlyList<string> TaskTypes = ["SR", "SR_PREVIEW"];
    public static readonly IReadOnlyList<string> Categories = ["person", "animation", "cg", "retro", "general"];
    public static readonly IReadOnlyList<string> InputQualities = ["high", "medium"];

    public const int MinSide = 128;

    /// Grain strength for add_noise: visible on a 1080p display, not a snowstorm.
    public const int FilmGrainStrength = 25;

    public static Validated<KokoonTaskRequest> Validate(string body) => Validation.Run(() =>
    {
        var root = JsonFields.ParseObject(body);
        var taskType = OneOf(JsonFields.RequiredString(root, "task_type"), "task_type", TaskTypes);
        var category = OneOf(JsonFields.RequiredString(root, "category"), "category", Categories);
        var useSr = JsonFields.RequiredBool(root, "use_sr");
        var quality = OneOf(JsonFields.RequiredString(root, "input_quality"), "input_quality", InputQualities);
        var option = JsonFields.RequiredObject(root, "option");
        var vid = JsonFields.RequiredString(root, "vid");
        if (vid.Length is 0 or > 128)
        {
            throw new DialectProblemException(DialectProblem.Invalid("vid", "vid must be a video id returned by the upload call"));
        }

        var width = Side(JsonFields.RequiredInteger(root, "width"), "width");
        var height = Side(JsonFields.RequiredInteger(root, "height"), "height");
        if (!VideoSizeLimit.Fits(width, height))
        {
            throw new DialectProblemException(DialectProblem.Invalid("width", $"output {width}x{height} is larger than 8K ({VideoSizeLimit.Text})"));
        }

        var startPos = JsonFields.OptionalInteger(root, "start_pos") ?? 0;
        var duration = JsonFields.OptionalInteger(root, "duration") ?? 0;
        if (startPos < 0)
        {
            throw new DialectProblemException(DialectProblem.Invalid("start_pos", "start_pos must be 0 or more milliseconds"));
        }

        if (duration < 0)
        {
            throw new DialectProblemException(DialectProblem.Invalid("duration", "duration must be 0 or more milliseconds"));
        }

        var codec = (JsonFields.OptionalString(root, "codec") ?? "h264").ToLowerInvariant();
        var format = (JsonFields.OptionalString(root, "format") ?? "mp4").ToLowerInvariant();
        var videoCodec = ParseCodec(codec);
        var container = ParseFormat(format);
        CheckCodecInFormat(videoCodec, container, codec, format);

        var useTrimOrig = JsonFields.OptionalBool(root, "use_trim_orig") ?? false;
        if (useTrimOrig && startPos == 0 && duration == 0)
        {
            throw new DialectProblemException(DialectProblem.Invalid("use_trim_orig",
                "cannot set use_trim_orig with true when start_pos=0 and duration=0 (a whole file)"));
        }

        return new KokoonTaskRequest
        {
            TaskType = taskType,
            Category = category,
            UseSr = useSr,
            InputQuality = quality,
            Option = new KokoonOption(
                JsonFields.OptionalBool(option, "face_enhance", "option.face_enhance") ?? false,
                JsonFields.OptionalBool(option, "denoise", "option.denoise") ?? false,
                JsonFields.OptionalBool(option, "deinterlace", "option.deinterlace") ?? false,
                JsonFields.OptionalBool(option, "add_noise", "option.add_noise") ?? false),
            Vid = vid,
            Width = width,
            Height = height,
            StartPos = startPos,
            Duration = duration,
            Codec = codec,
            Format = format,
            UseTrimOrig = useTrimOrig,
        };
    });

    public static bool IsAnimationCategory(string category) => category is "animation" or "cg";

    /// face_enhance needs a face model Upres does not ship; it is refused (in kokoon's shape)
    /// unless an operator configured one. For animation and cg it is ignored, as documented.
    public static DialectProblem? CheckSupported(KokoonTaskRequest request, string? faceModel) =>
        request.Option.FaceEnhance && !IsAnimationCategory(request.Category) && faceModel is null
            ? new DialectProblem(ProblemKind.UnsupportedModel,
                "face_enhance is not available on this server (no face model is configured); set it to false", "option.face_enhance")
            : null;

    /// The video the SR runs on: when use_trim_orig made a trimmed original, that new video from its
    /// start; otherwise the requested vid with the requested range.
    public static DialectJobSpec ToSpec(KokoonTaskRequest request, string inputVideoId, string? faceModel = null)
    {
        var animation = IsAnimationCategory(request.Category);
        // input_quality describes the source, not an AI option, so it applies to every category.
        var denoise = request.InputQuality == "medium" ? 1 : 0;
        if (!animation && request.Option.Denoise)
        {
            denoise += 2;
        }

        return new DialectJobSpec
        {
            Dialect = Name,
            InputVideoId = inputVideoId,
            Family = animation ? ModelFamily.Animation : ModelFamily.RealWorld,
            ModelOverride = !animation && request.Option.FaceEnhance ? faceModel : null,
            UseSr = request.UseSr,
            Width = request.Width,
            Height = request.Height,
            Fit = FitMode.Pad,
            // With use_trim_orig too: the job reads the original with the range as its trim, rather
            // than the trimmed copy (a second lossy generation); the worker makes the copy for in_vid.
            StartMs = request.StartPos == 0 ? null : request.StartPos,
            DurationMs = request.Duration == 0 ? null : request.Duration,
            Preview = request.IsPreview,
            Codec = ParseCodec(request.Codec),
            Container = ParseFormat(request.Format),
            Deinterlace = request.Option.Deinterlace,
            Denoise = Math.Min(denoise, 3),
            FilmGrain = !animation && request.Option.AddNoise ? FilmGrainStrength : 0,
            VendorModel = request.Category,
        };
    }

    /// A range that starts past the end of the video is refused before any work is queued.
    public static DialectProblem? CheckRange(KokoonTaskRequest request, TimeSpan sourceDuration) =>
        request.StartPos > 0 && request.StartPos >= sourceDuration.TotalMilliseconds
            ? DialectProblem.Invalid("start_pos",
                $"start_pos {request.StartPos} ms is beyond the video's duration of {sourceDuration.TotalMilliseconds:0} ms")
            : null;

    public static string State(JobStatus state) => state switch
    {
        JobStatus.Queued => "waiting",
        JobStatus.Processing => "processing",
        JobStatus.Completed => "completed",
        JobStatus.Failed => "failed",
        JobStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// A task's step. Upres has one queue and one processing stage: preparing, prepared and unknown
    /// are never produced (a worker that has claimed the job is already running it).
    public static string Step(JobStatus state) => state switch
    {
        JobStatus.Queued => "ready",
        JobStatus.Processing => "running",
        JobStatus.Completed => "done",
        JobStatus.Cancelled => "cancel",
        JobStatus.Failed => "error",
        _ => "unknown",
    };

    public static (int Status, KokoonError Body) Error(DialectProblem problem) => problem.Kind switch
    {
        ProblemKind.Unauthorized => (401, new("unauthorized")),
        ProblemKind.InsufficientCredit => (402, new("insufficient credit")),
        ProblemKind.NotFound or ProblemKind.UnknownPath => (404, new(problem.Message)),
        ProblemKind.MethodNotAllowed => (405, new(problem.Message)),
        ProblemKind.RateLimited => (429, new("too many requests")),
        ProblemKind.PayloadTooLarge => (413, new(problem.Message)),
        ProblemKind.StorageQuotaExceeded or ProblemKind.InsufficientStorage => (507, new(problem.Message)),
        ProblemKind.Internal => (500, new(problem.Message)),
        _ => (400, new(problem.Message)),
    };

    public static IResult Fail(DialectProblem problem)
    {
        var (status, body) = Error(problem);
        return DialectJson.Write(status, body);
    }

    /// kokoon reports fps as a rational and duration as seconds with six decimals.
    public static string FpsRational(double fps)
    {
        if (fps <= 0)
        {
            return "0/0";
        }

        var rounded = Math.Round(fps);
        if (Math.Abs(fps - rounded) < 0.001)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{rounded:0}/1");
        }

        // NTSC rates: 29.97 = 30000/1001 and friends.
        var ntsc = Math.Round(fps * 1.001);
        return Math.Abs(fps - ntsc / 1.001) < 0.001
            ? string.Create(CultureInfo.InvariantCulture, $"{ntsc * 1000:0}/1001")
            : string.Create(CultureInfo.InvariantCulture, $"{Math.Round(fps * 1000):0}/1000");
    }

    public static string Seconds(TimeSpan duration) =>
        duration.TotalSeconds.ToString("0.000000", CultureInfo.InvariantCulture);

    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string OneOf(string value, string field, IReadOnlyList<string> allowed) =>
        allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw new DialectProblemException(DialectProblem.Invalid(field,
                $"{field} '{value}' is not one of {string.Join(", ", allowed)}"));

    private static int Side(long value, string field)
    {
        if (value < MinSide || value > VideoSizeLimit.LongSide)
        {
            throw new DialectProblemException(DialectProblem.Invalid(field,
                $"{field} must be between {MinSide} and {VideoSizeLimit.LongSide} pixels"));
        }

        if (value % 2 != 0)
        {
            throw new DialectProblemException(DialectProblem.Invalid(field, $"{field} must be an even number of pixels"));
        }

        return (int)value;
    }

    private static VideoCodec ParseCodec(string codec) => codec switch
    {
        "h264" or "avc" => VideoCodec.H264,
        "h265" or "hevc" => VideoCodec.H265,
        "vp9" => VideoCodec.Vp9,
        "av1" => VideoCodec.Av1,
        "prores" => VideoCodec.ProRes,
        _ => throw new DialectProblemException(DialectProblem.Invalid("codec",
            $"codec '{codec}' is not one of h264, h265, vp9, av1, prores")),
    };

    private static ContainerFormat ParseFormat(string format) => format switch
    {
        "mp4" => ContainerFormat.Mp4,
        "mkv" => ContainerFormat.Mkv,
        "mov" => ContainerFormat.Mov,
        "webm" => ContainerFormat.Webm,
        _ => throw new DialectProblemException(DialectProblem.Invalid("format",
            $"format '{format}' is not one of mp4, mkv, mov, webm")),
    };

    /// The engine's own rule (OutputPlanner.CanWrite), said in kokoon's shape before the job exists.
    private static void CheckCodecInFormat(VideoCodec codec, ContainerFormat format, string codecName, string formatName)
    {
        if (!OutputPlanner.CanWrite(codec, format))
        {
            throw new DialectProblemException(DialectProblem.Invalid("codec", $"codec '{codecName}' cannot be stored in format '{formatName}'"));
        }
    }
}
