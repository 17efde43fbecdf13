using Microsoft.AspNetCore.Http;
using Upres.Engine.Pipeline;
using Upres.Service.Jobs;

namespace Upres.Service.Dialects.HitPaw;

/// HitPaw Video Enhancer: validation, mapping onto the core, status words, credits and errors.
/// No HTTP here.
public static class HitPawDialect
{
    public const string Name = "hitpaw";
    public const string BasePath = "/api/v3";

    /// `ApiKey: KEY`; every error under /api/v3 is HitPaw's `{code, message, data}`.
    public static Door Door { get; } = new()
    {
        Name = Name,
        BasePath = BasePath,
        ErrorScope = BasePath,
        ReadKey = request => AuthHeaders.ApiKey(request.Headers["ApiKey"]),
        UnauthorizedMessage = "The ApiKey is not valid",
        Render = Fail,
    };

    public const int MinSide = 128;
    public const long MaxInputBytes = 200L * 1024 * 1024;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(10);

    /// MP4, AVI, MOV, MKV, WebM as ffprobe names their demuxers.
    public static readonly IReadOnlyList<string> AcceptedFormats = ["mp4", "mov", "avi", "matroska", "webm"];

    /// Every format the document lists, as an output too; the engine's container rules pick the codecs.
    public static readonly IReadOnlyList<string> Extensions = [".mp4", ".avi", ".mov", ".mkv", ".webm"];

    public static Validated<HitPawExportRequest> Validate(string body) => Validation.Run(() =>
    {
        var root = JsonFields.ParseObject(body);
        var videoUrl = JsonFields.RequiredString(root, "video_url");
        if (!UrlRules.IsHttpUrl(videoUrl))
        {
            throw new DialectProblemException(new(ProblemKind.InputRejected, "The video url is not valid", "video_url"));
        }

        var extension = NormalizeExtension(JsonFields.OptionalString(root, "extension") ?? ".mp4");
        var model = ReadModel(root);
        var resolution = JsonFields.RequiredArray(root, "resolution");
        if (resolution.GetArrayLength() != 2)
        {
            throw new DialectProblemException(DialectProblem.Invalid("resolution", "resolution must be [width, height]"));
        }

        var width = JsonFields.AsInteger(resolution[0], "resolution[0]");
        var height = JsonFields.AsInteger(resolution[1], "resolution[1]");
        CheckSize(width, height, "resolution");
        if (width % 2 != 0 || height % 2 != 0)
        {
            throw new DialectProblemException(DialectProblem.Invalid("resolution", "resolution width and height must be even"));
        }

        // Required with model_name, optional with model_id. Upres measures the real file, so the
        // field is checked for shape and kept, not trusted.
        IReadOnlyList<int>? original = null;
        if (JsonFields.TryGet(root, "original_resolution", out _))
        {
            var o = JsonFields.RequiredArray(root, "original_resolution");
            if (o.GetArrayLength() != 2)
            {
                throw new DialectProblemException(DialectProblem.Invalid("original_resolution", "original_resolution must be [width, height]"));
            }

            var ow = JsonFields.AsInteger(o[0], "original_resolution[0]");
            var oh = JsonFields.AsInteger(o[1], "original_resolution[1]");
            if (ow <= 0 || oh <= 0 || ow > 100_000 || oh > 100_000)
            {
                throw new DialectProblemException(DialectProblem.Invalid("original_resolution", "original_resolution must be two positive sizes"));
            }

            original = [(int)ow, (int)oh];
        }
        else if (model.ByName)
        {
            throw new DialectProblemException(DialectProblem.Missing("original_resolution"));
        }

        var hook = JsonFields.OptionalString(root, "web_hook_url");
        if (hook is not null)
        {
            UrlRules.RequireHttpUrl(hook, "web_hook_url");
        }

        return new HitPawExportRequest(videoUrl, extension, model.Row.Id, [(int)width, (int)height], hook)
        {
            ModelName = model.ByName ? model.Row.ApiName : null,
            OriginalResolution = original,
        };
    });

    /// model_id (v3's first form) or model_name (its newer form), never both.
    private static (HitPawModel Row, bool ByName) ReadModel(System.Text.Json.JsonElement root)
    {
        var hasId = JsonFields.TryGet(root, "model_id", out _);
        var hasName = JsonFields.TryGet(root, "model_name", out _);
        if (hasId && hasName)
        {
            throw new DialectProblemException(DialectProblem.Invalid("model_name", "model_id and model_name must not be used together"));
        }

        if (hasName)
        {
            var name = JsonFields.RequiredString(root, "model_name");
            return (HitPawModel.Find(name) ?? throw new DialectProblemException(new(ProblemKind.UnknownModel,
                $"The model_name '{name}' is not valid; use one of {string.Join(", ", HitPawModel.All.Select(m => m.ApiName))}", "model_name")), true);
        }

        if (!hasId)
        {
            throw new DialectProblemException(DialectProblem.Missing("model_id"));
        }

        var modelId = JsonFields.RequiredInteger(root, "model_id");
        return (HitPawModel.Find(modelId) ?? throw new DialectProblemException(new(ProblemKind.UnknownModel,
            $"The model_id {modelId} is not valid; use one of {string.Join(", ", HitPawModel.All.Select(m => m.Id))}", "model_id")), false);
    }

    public static Validated<HitPawTaskQuery> ValidateQuery(string body) => Validation.Run(() =>
    {
        var root = JsonFields.ParseObject(body);
        return new HitPawTaskQuery(JsonFields.RequiredString(root, "job_id"));
    });

    /// The face and colourise models need weights Upres does not ship; they run only when an
    /// operator maps the model id to a catalog model.
    public static DialectProblem? CheckSupported(HitPawExportRequest request, IReadOnlyDictionary<int, string> configuredModels)
    {
        var model = HitPawModel.Find(request.ModelId)!;
        return model.NeedsFaceModel && !configuredModels.ContainsKey(model.Id)
            ? new DialectProblem(ProblemKind.UnsupportedModel,
                $"The model_id {model.Id} ({model.VendorName}) is not available on this server: it needs a face or colourise model that is not installed",
                "model_id")
            : null;
    }

    public static DialectJobSpec ToSpec(HitPawExportRequest request, IReadOnlyDictionary<int, string>? configuredModels = null)
    {
        var model = HitPawModel.Find(request.ModelId) ?? throw new ArgumentException("unvalidated model_id", nameof(request));
        string? overrideModel = null;
        configuredModels?.TryGetValue(model.Id, out overrideModel);
        var container = ContainerOf(request.Extension);
        return new DialectJobSpec
        {
            Dialect = Name,
            InputUrl = request.VideoUrl,
            Family = model.Family,
            ModelOverride = overrideModel,
            Width = request.Width,
            Height = request.Height,
            Fit = FitMode.Pad,
            Denoise = model.Denoise,
            Filter = model.Filter,
            // The one codec every listed container carries; the engine's container rules check it.
            Codec = container == ContainerFormat.Webm ? VideoCodec.Vp9 : VideoCodec.H264,
            Container = container,
            WebhookUrl = request.WebHookUrl,
            VendorModel = model.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// The documented limits, checked on the fetched file before the job is accepted.
    public static DialectProblem? CheckInput(long sizeBytes, string formatName, TimeSpan duration, int width, int height)
    {
        if (sizeBytes > MaxInputBytes)
        {
            return Rejected($"The video file is {sizeBytes} bytes; the maximum is 200MB");
        }

        var formats = formatName.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (!formats.Any(f => AcceptedFormats.Contains(f, StringComparer.Ordinal)))
        {
            return Rejected($"The video format '{formatName}' is not supported; use MP4, AVI, MOV, MKV or WebM");
        }

        if (duration > MaxDuration)
        {
            return Rejected($"The video is {duration.TotalMinutes:0.##} minutes long; the maximum is 10 minutes");
        }

        try
        {
            CheckSize(width, height, "video");
        }
        catch (DialectProblemException e)
        {
            return Rejected(e.Problem.Message);
        }

        return null;

        static DialectProblem Rejected(string message) => new(ProblemKind.InputRejected, message, "video_url");
    }

    public static string Status(JobStatus state) => state switch
    {
        JobStatus.Queued => "WAITING",
        JobStatus.Processing => "CONVERTING",
        JobStatus.Completed => "COMPLETED",
        JobStatus.Failed or JobStatus.Cancelled => "ERROR",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// The message is the code's fixed text (the document's, for its three codes); the specific
    /// reason travels in `detail`.
    public static (int Status, HitPawEnvelope<object> Body) Error(DialectProblem problem)
    {
        var (status, code) = problem.Kind switch
        {
            ProblemKind.Unauthorized => (401, HitPawErrorCodes.InvalidApiKey),
            ProblemKind.InsufficientCredit => (402, HitPawErrorCodes.NotEnoughCoins),
            ProblemKind.InputRejected => (400, HitPawErrorCodes.InvalidVideoUrl),
            ProblemKind.UnknownModel or ProblemKind.UnsupportedModel => (400, HitPawErrorCodes.ModelNotSupported),
            ProblemKind.NotFound => (404, HitPawErrorCodes.JobNotFound),
            ProblemKind.UnknownPath => (404, HitPawErrorCodes.NoSuchEndpoint),
            ProblemKind.MethodNotAllowed => (405, HitPawErrorCodes.NoSuchEndpoint),
            ProblemKind.RateLimited => (429, HitPawErrorCodes.TooManyRequests),
            ProblemKind.Internal => (500, HitPawErrorCodes.InternalError),
            ProblemKind.PayloadTooLarge => (413, HitPawErrorCodes.InvalidParameter),
            ProblemKind.StorageQuotaExceeded => (507, HitPawErrorCodes.StorageQuotaExceeded),
            ProblemKind.InsufficientStorage => (507, HitPawErrorCodes.InsufficientStorage),
            _ => (400, HitPawErrorCodes.InvalidParameter),
        };
        var message = HitPawErrorCodes.MessageOf(code);
        return (status, new HitPawEnvelope<object>(code, message, null)
        {
            Detail = string.Equals(problem.Message, message, StringComparison.Ordinal) ? null : problem.Message,
        });
    }

    public static IResult Fail(DialectProblem problem)
    {
        var (status, body) = Error(problem);
        return DialectJson.Write(status, body);
    }

    private static string NormalizeExtension(string extension)
    {
        var e = extension.Trim().ToLowerInvariant();
        if (!e.StartsWith('.'))
        {
            e = "." + e;
        }

        return Extensions.Contains(e, StringComparer.Ordinal)
            ? e
            : throw new DialectProblemException(DialectProblem.Invalid("extension",
                $"The extension '{extension}' is not supported; use one of {string.Join(", ", Extensions)}"));
    }

    private static ContainerFormat ContainerOf(string extension) => extension switch
    {
        ".avi" => ContainerFormat.Avi,
        ".mov" => ContainerFormat.Mov,
        ".mkv" => ContainerFormat.Mkv,
        ".webm" => ContainerFormat.Webm,
        _ => ContainerFormat.Mp4,
    };

    private static void CheckSize(long width, long height, string field)
    {
        if (Math.Min(width, height) < MinSide || !VideoSizeLimit.Fits(width, height))
        {
            throw new DialectProblemException(DialectProblem.Invalid(field,
                $"The {field} {width}x{height} is outside {MinSide}x{MinSide} to 8K ({VideoSizeLimit.Text})"));
        }
    }
}
