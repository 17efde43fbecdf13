using Microsoft.AspNetCore.Http;

namespace Upres.Service.Dialects;

/// One vendor door, declared once: where it lives, how its clients send the key, and how it
/// words every refusal, including those made before a handler runs (authentication, an unknown
/// path or a wrong method under its prefix, an oversized body, the rate limit, a crash).
/// Handlers behind a door only translate fields.
public sealed record Door
{
    /// "mingyan", "kokoon", "kieai", "hitpaw".
    public required string Name { get; init; }

    /// The route group's prefix: "/kokoon/api/sr/v3".
    public required string BasePath { get; init; }

    /// Every error under this prefix answers in the vendor's shape, even for paths the door does
    /// not serve ("/kokoon", "/api/v1"). It contains BasePath.
    public required string ErrorScope { get; init; }

    /// The raw key from the vendor's header; null when absent or malformed.
    public required Func<HttpRequest, string?> ReadKey { get; init; }

    /// The message of a refused key, in the vendor's words.
    public required string UnauthorizedMessage { get; init; }

    /// Writes a problem in the vendor's envelope and status.
    public required Func<DialectProblem, IResult> Render { get; init; }

    public bool Owns(PathString path) => path.StartsWithSegments(ErrorScope, StringComparison.OrdinalIgnoreCase);
}
