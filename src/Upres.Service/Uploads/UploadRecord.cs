namespace Upres.Service.Uploads;

public sealed record UploadRecord(string Id, string AccountId, string Key, string? FileName, long SizeBytes, string ProbeJson, DateTimeOffset CreatedAt)
{
    /// Kept past the retention period until then (kokoon's originals live 14 days); null: the
    /// service's retention applies.
    public DateTimeOffset? KeptUntil { get; init; }
}
