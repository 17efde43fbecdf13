using Upres.Service.Uploads;

namespace Upres.Service.Tests.Dialects.Contracts;

/// An upload store whose database is gone: every call throws, so a door's unexpected-failure
/// answer (500 in the vendor's shape) can be seen.
public sealed class BrokenUploadStore : IUploadStore
{
    private static Exception Gone() => new InvalidOperationException("the database is gone");

    public Task InsertAsync(UploadRecord upload, CancellationToken cancellationToken) => throw Gone();

    public Task<UploadRecord?> GetAsync(string accountId, string uploadId, CancellationToken cancellationToken) => throw Gone();

    public Task<IReadOnlyList<UploadRecord>> ListAsync(string accountId, CancellationToken cancellationToken) => throw Gone();

    public Task KeepUntilAsync(string uploadId, DateTimeOffset until, CancellationToken cancellationToken) => throw Gone();

    public Task<IReadOnlyList<UploadRecord>> ExpiredAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => throw Gone();

    public Task MarkDeletedAsync(string uploadId, CancellationToken cancellationToken) => throw Gone();
}
