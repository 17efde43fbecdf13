using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Upres.Service.Storage;

namespace Upres.Service.Data;

public sealed class SqliteDatabase : IUpresDatabase
{
    private readonly string _connectionString;

    public SqliteDatabase(string path)
    {
        // The database holds webhook secrets and the link-signing key: create it 0600 before SQLite
        // opens it (its -wal and -shm files take the database file's mode).
        OwnerOnly.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (!File.Exists(path))
        {
            try
            {
                using (new FileStream(path, OwnerOnly.NewFile()))
                {
                }
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first.
            }
        }

        OwnerOnly.Restrict(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // WAL lets the API read while a worker writes; busy_timeout makes writers queue instead of failing.
        await connection.ExecuteAsync("PRAGMA journal_mode=WAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");
        return connection;
    }

    public Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
        => Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public bool IsUniqueViolation(Exception exception)
        => exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await Migrations.ApplyAsync(this, connection, cancellationToken);
    }
}
