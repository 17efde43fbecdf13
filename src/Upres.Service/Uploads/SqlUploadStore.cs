using Dapper;
using Microsoft.Extensions.Options;
using Upres.Service.Data;
using Upres.Service.Storage;

namespace Upres.Service.Uploads;

public sealed class SqlUploadStore(IUpresDatabase db, TimeProvider clock, IOptions<StorageSpaceOptions>? storageOptions = null) : IUploadStore
{
    private readonly long _defaultQuota = storageOptions?.Value.StorageQuotaBytes ?? new StorageSpaceOptions().StorageQuotaBytes;

    private const string Columns = "id AS Id, account_id AS AccountId, file_key AS Key, file_name AS FileName, size_bytes AS SizeBytes, probe_json AS ProbeJson, created_at AS CreatedAt, kept_until AS KeptUntil";

    public async Task InsertAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await db.BeginWriteAsync(c, cancellationToken);
        await StorageLedger.AddWithinQuotaAsync(c, tx, upload.AccountId, upload.SizeBytes, _defaultQuota, cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO uploads (id, account_id, file_key, file_name, size_bytes, probe_json, created_at) VALUES (@Id, @AccountId, @Key, @FileName, @SizeBytes, @ProbeJson, @CreatedAt)",
            new { upload.Id, upload.AccountId, upload.Key, upload.FileName, upload.SizeBytes, upload.ProbeJson, CreatedAt = upload.CreatedAt.ToUnixTimeMilliseconds() },
            tx, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
    }

    public async Task<UploadRecord?> GetAsync(string accountId, string uploadId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM uploads WHERE id = @uploadId AND account_id = @accountId AND deleted_at IS NULL",
            new { uploadId, accountId }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<UploadRecord>> ExpiredAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM uploads u WHERE u.deleted_at IS NULL AND u.created_at < @cutoff
            AND (u.kept_until IS NULL OR u.kept_until < @now)
            AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.input_key = u.file_key AND j.status IN ('queued', 'processing'))
            """,
            new { cutoff = cutoff.ToUnixTimeMilliseconds(), now = clock.Ms() }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<IReadOnlyList<UploadRecord>> ListAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM uploads WHERE account_id = @accountId AND deleted_at IS NULL ORDER BY created_at DESC, id DESC",
            new { accountId }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task KeepUntilAsync(string uploadId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition("UPDATE uploads SET kept_until = @until WHERE id = @uploadId",
            new { uploadId, until = until.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    public async Task MarkDeletedAsync(string uploadId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await db.BeginWriteAsync(c, cancellationToken);
        var deleted = await c.QuerySingleOrDefaultAsync<StoredBytes>(new CommandDefinition(
            "UPDATE uploads SET deleted_at = @now WHERE id = @uploadId AND deleted_at IS NULL RETURNING account_id AS AccountId, size_bytes AS Bytes",
            new { uploadId, now = clock.Ms() }, tx, cancellationToken: cancellationToken));
        if (deleted is not null)
        {
            await StorageLedger.ReleaseAsync(c, tx, deleted.AccountId, deleted.Bytes, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string AccountId { get; set; } = "";
        public string Key { get; set; } = "";
        public string? FileName { get; set; }
        public long SizeBytes { get; set; }
        public string ProbeJson { get; set; } = "";
        public long CreatedAt { get; set; }
        public long? KeptUntil { get; set; }

        public UploadRecord ToRecord() => new(Id, AccountId, Key, FileName, SizeBytes, ProbeJson, CreatedAt.ToTime()) { KeptUntil = KeptUntil.ToTime() };
    }
}
