namespace Upres.Service.Jobs;

/// Exactly one of an upload id (from POST /v1/uploads or a dialect's upload call) or a URL to fetch.
public sealed record JobInput(string? UploadId, string? Url);
