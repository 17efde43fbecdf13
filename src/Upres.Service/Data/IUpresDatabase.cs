using System.Data.Common;

namespace Upres.Service.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// The one thing stores need from a database. The SQL in the stores is written once for both
/// providers (unix-millisecond integers for time, 0/1 for flags, `RETURNING`, `ON CONFLICT`).
public interface IUpresDatabase
{
    DatabaseProvider Provider { get; }

    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// Starts a write transaction. On SQLite it takes the write lock up front (BEGIN IMMEDIATE), so two
    /// writers never deadlock upgrading a read lock.
    Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    bool IsUniqueViolation(Exception exception);

    /// The one row `sql` (with one parameter, @key) finds for `key`, or null: the hot reads (a job
    /// polled by its client). SQLite keeps the statement prepared on long-lived read connections,
    /// so a poll pays no SQL parse; PostgreSQL runs it as any query.
    Task<T?> QueryRowAsync<T>(string sql, string key, CancellationToken cancellationToken);

    Task MigrateAsync(CancellationToken cancellationToken);
}
