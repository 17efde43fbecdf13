namespace Upres.Service.Uploads;

public interface IUploadStore
{
    Task InsertAsync(UploadRecord upload, CancellationToken cancellationToken);

    Task<UploadRecord?> GetAsync(string accountId, string uploadId, CancellationToken cancellationToken);

    /// Uploads older than the cutoff that no unfinished job still reads.
    Task<IReadOnlyList<UploadRecord>> ExpiredAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    Task MarkDeletedAsync(string uploadId, CancellationToken cancellationToken);
}
