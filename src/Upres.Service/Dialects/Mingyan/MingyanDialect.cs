using Microsoft.AspNetCore.Http;
using Upres.Engine.Pipeline;
using Upres.Service.Billing;
using Upres.Service.Jobs;

namespace Upres.Service.Dialects.Mingyan;

/// mingyan: validation, mapping onto the core, status words, prices and errors. No HTTP here.
public static class MingyanDialect
{
    public const string Name = "mingyan";
    public const string BasePath = "/kyyReactApiServer/v1";

    /// `Authorization: Bearer KEY`; every error under the documented baseUrl /kyyReactApiServer is
    /// mingyan's `{error, code}`.
    public static Door Door { get; } = new()
    {
        Name = Name,
        BasePath = BasePath,
        ErrorScope = "/kyyReactApiServer",
        ReadKey = request => AuthHeaders.Bearer(request.Headers.Authorization),
        UnauthorizedMessage = "invalid or missing API key; send 'Authorization: Bearer KEY'",
        Render = Fail,
    };

    public static Validated<MingyanCreateRequest> Validate(string body) => Validation.Run(() =>
    {
        var root = JsonFields.ParseObject(body);
        var model = JsonFields.RequiredString(root, "model");
        var videoUrl = JsonFields.RequiredString(root, "videoUrl");
        if (MingyanModel.Find(model) is null)
        {
            throw new DialectProblemException(new(ProblemKind.UnknownModel,
                $"model '{model}' is not supported; use one of {string.Join(", ", MingyanModel.All.Select(m => m.Name))}", "model"));
        }

        UrlRules.RequireHttpUrl(videoUrl, "videoUrl");
        return new MingyanCreateRequest(model, videoUrl);
    });

    public static DialectJobSpec ToSpec(MingyanCreateRequest request)
    {
        var model = MingyanModel.Find(request.Model) ?? throw new ArgumentException("unvalidated model", nameof(request));
        return new DialectJobSpec
        {
            Dialect = Name,
            InputUrl = request.VideoUrl,
            Family = ModelFamily.RealWorld,
            // The tier is a resolution class: its number is the output's shorter side, so a portrait
            // source keeps its orientation (1080x1920 at 1080p stays 1080x1920).
            ShortSide = model.Height,
            MaxFps = model.FpsCap,
            Codec = VideoCodec.H264,
            Container = ContainerFormat.Mp4,
            VendorModel = model.Name,
        };
    }

    /// Per input second, rounded up, at least 1 s, at the tier's size and nominal frame rate.
    public static Func<PlannedOutput, PriceQuery> Billing(MingyanModel model) => DialectBilling.ByTier(model.BilledFps, DialectModels.RealWorld);

    public static string StatusWord(JobStatus state) => state switch
    {
        JobStatus.Queued => "queued",
        JobStatus.Processing => "processing",
        JobStatus.Completed => "completed",
        // The vocabulary has no cancelled; a cancelled task is one that will not complete.
        JobStatus.Failed or JobStatus.Cancelled => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static (int Status, MingyanError Body) Error(DialectProblem problem) => problem.Kind switch
    {
        ProblemKind.MalformedJson => (400, new(problem.Message, "invalid_json")),
        ProblemKind.MissingField => (400, new(problem.Message, "missing_parameter")),
        ProblemKind.WrongType => (400, new(problem.Message, "invalid_parameter_type")),
        ProblemKind.InvalidValue => (400, new(problem.Message, "invalid_parameter")),
        ProblemKind.UnknownModel or ProblemKind.UnsupportedModel => (400, new(problem.Message, "model_not_supported")),
        ProblemKind.InputRejected => (400, new(problem.Message, "invalid_video")),
        ProblemKind.PayloadTooLarge => (413, new(problem.Message, "payload_too_large")),
        ProblemKind.Unauthorized => (401, new(problem.Message, "invalid_api_key")),
        ProblemKind.InsufficientCredit => (402, new(problem.Message, "insufficient_balance")),
        ProblemKind.NotFound => (404, new(problem.Message, "task_not_found")),
        ProblemKind.UnknownPath => (404, new(problem.Message, "not_found")),
        ProblemKind.MethodNotAllowed => (405, new(problem.Message, "method_not_allowed")),
        ProblemKind.RateLimited => (429, new(problem.Message, "rate_limit_exceeded")),
        ProblemKind.StorageQuotaExceeded => (507, new(problem.Message, "storage_quota_exceeded")),
        ProblemKind.InsufficientStorage => (507, new(problem.Message, "insufficient_storage")),
        _ => (500, new(problem.Message, "internal_error")),
    };

    public static IResult Fail(DialectProblem problem)
    {
        var (status, body) = Error(problem);
        return DialectJson.Write(status, body);
    }
}
