namespace Upres.Service.Jobs;

/// Newest first; Cursor is the last id of the previous page.
public sealed record JobListQuery(string AccountId, JobStatus? Status = null, string? Dialect = null, DateTimeOffset? CreatedAfter = null, DateTimeOffset? CreatedBefore = null, string? Cursor = null, int Limit = 20);
