namespace Upres.Service.Problems;

/// A refusal with a stable machine-readable code. The native API renders it as problem+json;
/// each dialect renders the same code in its vendor's envelope.
public sealed record ServiceError(string Code, int Status, string Title, string? Detail = null)
{
    public Dictionary<string, object?>? Extra { get; init; }
}
