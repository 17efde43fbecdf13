namespace Upres.Service.Uploads;

public interface IUploadStore
{
    /// Stores the upload and counts its bytes against the account's storage quota in one transaction;
    /// storage_quota_exceeded (nothing stored) when they do not fit.
    Task InsertAsync(UploadRecord upload, CancellationToken cancellationToken);

    Task<UploadRecord?> GetAsync(string accountId, string uploadId, CancellationToken cancellationToken);

    /// The account's live uploads, newest first.
    Task<IReadOnlyList<UploadRecord>> ListAsync(string accountId, CancellationToken cancellationToken);

    /// Keeps an upload past the retention period, until the given time.
    Task KeepUntilAsync(string uploadId, DateTimeOffset until, CancellationToken cancellationToken);

    /// Uploads older than the cutoff (and past their KeptUntil) that no unfinished job still reads.
    Task<IReadOnlyList<UploadRecord>> ExpiredAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// Marks the upload's file gone and gives its bytes back to the account's quota (once).
    Task MarkDeletedAsync(string uploadId, CancellationToken cancellationToken);
}
