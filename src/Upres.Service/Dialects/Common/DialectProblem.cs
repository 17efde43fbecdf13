namespace Upres.Service.Dialects;

/// What went wrong with a dialect request, independent of how a vendor spells errors.
/// Each dialect renders it in its own envelope and HTTP status.
public enum ProblemKind
{
    MalformedJson,
    MissingField,
    WrongType,
    InvalidValue,
    UnknownModel,
    UnsupportedModel,
    Unauthorized,
    InsufficientCredit,
    NotFound,
    UnknownPath,
    MethodNotAllowed,
    RateLimited,
    InputRejected,
    PayloadTooLarge,

    /// The account's storage quota is used up (uploads and results it keeps).
    StorageQuotaExceeded,

    /// The server's storage is nearly full.
    InsufficientStorage,
    Internal,
}

public sealed record DialectProblem(ProblemKind Kind, string Message, string? Field = null)
{
    public static DialectProblem Missing(string field) => new(ProblemKind.MissingField, $"{field} is required", field);

    public static DialectProblem WrongType(string field, string expected) =>
        new(ProblemKind.WrongType, $"{field} must be {expected}", field);

    public static DialectProblem Invalid(string field, string message) => new(ProblemKind.InvalidValue, message, field);
}
