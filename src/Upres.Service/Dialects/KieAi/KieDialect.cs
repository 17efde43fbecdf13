using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Upres.Service.Jobs;

namespace Upres.Service.Dialects.KieAi;

/// kie.ai (Topaz video upscale): validation, mapping onto the core, task states, prices and
/// errors. No HTTP here.
public static class KieDialect
{
    public const string Name = "kieai";
    public const string Model = "topaz/video-upscale";
    public const string TaskIdPrefix = "task_topaz_";
    public const string BasePath = "/api/v1/jobs";

    /// `Authorization: Bearer KEY`; every error under /api/v1 is kie.ai's `{code, msg, data}`.
    public static Door Door { get; } = new()
    {
        Name = Name,
        BasePath = BasePath,
        ErrorScope = "/api/v1",
        ReadKey = request => AuthHeaders.Bearer(request.Headers.Authorization),
        UnauthorizedMessage = "Unauthorized",
        Render = Fail,
    };

    /// recordInfo's answer for a taskId it does not know, in kie.ai's words.
    public const string RecordInfoIsNull = "recordInfo is null";

    /// 10.0 MB as the document states it, in bytes.
    public const long MaxInputBytes = 10L * 1024 * 1024;

    /// video/mp4, video/quicktime, video/x-matroska as ffprobe names their demuxers.
    public static readonly IReadOnlyList<string> AcceptedFormats = ["mp4", "mov", "matroska"];

    public static Validated<KieCreateTaskRequest> Validate(string body) => Validation.Run(() =>
    {
        var root = JsonFields.ParseObject(body);
        var model = JsonFields.RequiredString(root, "model");
        if (!string.Equals(model, Model, StringComparison.Ordinal))
        {
            throw new DialectProblemException(new(ProblemKind.UnknownModel,
                $"model '{model}' is not supported by this endpoint; use {Model}", "model"));
        }

        var callBack = JsonFields.OptionalString(root, "callBackUrl");
        if (callBack is not null)
        {
            UrlRules.RequireHttpUrl(callBack, "callBackUrl");
        }

        var input = JsonFields.RequiredObject(root, "input");
        var videoUrl = UrlRules.RequireHttpUrl(JsonFields.RequiredString(input, "video_url", "input.video_url"), "input.video_url");
        var factor = ReadFactor(input);
        return new KieCreateTaskRequest(model, callBack, new KieInput(videoUrl, factor));
    });

    /// The document types it enum<string> but writes "2.0" in prose; the numbers 1, 2, 4 and their
    /// string spellings are taken, anything else is a parameter error.
    private static string ReadFactor(JsonElement input)
    {
        if (!JsonFields.TryGet(input, "upscale_factor", out var v))
        {
            return "2";
        }

        double value;
        if (v.ValueKind == JsonValueKind.String)
        {
            if (!double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                throw Bad(v);
            }
        }
        else if (v.ValueKind == JsonValueKind.Number)
        {
            value = v.GetDouble();
        }
        else
        {
            throw new DialectProblemException(DialectProblem.WrongType("input.upscale_factor", "one of \"1\", \"2\", \"4\""));
        }

        return value switch
        {
            1 => "1",
            2 => "2",
            4 => "4",
            _ => throw Bad(v),
        };

        static DialectProblemException Bad(JsonElement v) => new(DialectProblem.Invalid("input.upscale_factor",
            $"input.upscale_factor '{JsonFields.Describe(v)}' is not one of \"1\", \"2\", \"4\""));
    }

    public static int Factor(KieCreateTaskRequest request) => int.Parse(request.Input.UpscaleFactor, CultureInfo.InvariantCulture);

    /// Factor 1 enhances at the same size: the SR model runs and the result is scaled back.
    public static DialectJobSpec ToSpec(KieCreateTaskRequest request, string requestJson) => new()
    {
        Dialect = Name,
        InputUrl = request.Input.VideoUrl,
        Family = ModelFamily.RealWorld,
        Scale = Factor(request),
        WebhookUrl = request.CallBackUrl,
        VendorModel = request.Model,
        VendorRequestJson = requestJson,
    };

    /// The documented input limits, checked on the fetched file.
    public static DialectProblem? CheckInput(long sizeBytes, string formatName)
    {
        if (sizeBytes > MaxInputBytes)
        {
            return new(ProblemKind.InputRejected, $"input.video_url: the file is {sizeBytes} bytes; the maximum is 10.0MB", "input.video_url");
        }

        var formats = formatName.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return formats.Any(f => AcceptedFormats.Contains(f, StringComparer.Ordinal))
            ? null
            : new(ProblemKind.InputRejected,
                $"input.video_url: format '{formatName}' is not supported; use video/mp4, video/quicktime or video/x-matroska", "input.video_url");
    }

    public static string State(JobStatus state) => state switch
    {
        JobStatus.Queued => "waiting",
        JobStatus.Processing => "generating",
        JobStatus.Completed => "success",
        JobStatus.Failed or JobStatus.Cancelled => "fail",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static string TaskId(string jobId) => TaskIdPrefix + jobId;

    public static string? JobId(string? taskId) =>
        taskId is not null && taskId.StartsWith(TaskIdPrefix, StringComparison.Ordinal) && taskId.Length > TaskIdPrefix.Length
            ? taskId[TaskIdPrefix.Length..]
            : null;

    public static string ResultJson(string url) => JsonSerializer.Serialize(new KieResult([url]));

    /// kie.ai's Get Task Details page declares each error under the HTTP status equal to its code,
    /// with fixed texts for the ones it shows (400 taskId, 401, 422 recordInfo is null, 429, 500).
    public static (int Status, KieEnvelope<object> Body) Error(DialectProblem problem)
    {
        var (code, msg) = problem.Kind switch
        {
            ProblemKind.Unauthorized => (401, "Unauthorized"),
            ProblemKind.InsufficientCredit => (402, problem.Message),
            ProblemKind.MissingField when problem.Field == "taskId" => (400, "taskId parameter is required"),
            ProblemKind.NotFound => (422, RecordInfoIsNull),
            ProblemKind.UnknownPath or ProblemKind.MethodNotAllowed => (404, "Not Found - The requested resource or endpoint does not exist"),
            ProblemKind.RateLimited => (429, "Rate limit exceeded"),
            ProblemKind.StorageQuotaExceeded or ProblemKind.InsufficientStorage => (507, problem.Message),
            ProblemKind.Internal => (500, "Server Error - An unexpected error occurred while processing the request"),
            _ => (422, problem.Message),
        };
        return (code, new KieEnvelope<object>(code, msg, null));
    }

    public static IResult Fail(DialectProblem problem)
    {
        var (status, body) = Error(problem);
        return DialectJson.Write(status, body);
    }
}
