namespace Upres.Service.Uploads;

public sealed record UploadRecord(string Id, string AccountId, string Key, string? FileName, long SizeBytes, string ProbeJson, DateTimeOffset CreatedAt);
