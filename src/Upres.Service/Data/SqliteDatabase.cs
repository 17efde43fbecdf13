using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Upres.Service.Storage;

namespace Upres.Service.Data;

public sealed class SqliteDatabase : IUpresDatabase, IDisposable
{
    private readonly string _connectionString;

    // Pooled connections keep their native handle: the PRAGMAs are set once per handle, not per open.
    private readonly ConditionalWeakTable<sqlite3, object> _configured = [];

    // Open read connections, each with its statements prepared once (Microsoft.Data.Sqlite finalizes a
    // command's statements whenever its connection closes, so only a connection kept open keeps them).
    private readonly ConcurrentBag<PreparedReader> _readers = [];
    private const int MaxIdleReaders = 16;

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
        if (connection.Handle is { } handle && !_configured.TryGetValue(handle, out _))
        {
            // WAL lets the API read while a worker writes; busy_timeout makes writers queue instead of failing.
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");
            _configured.TryAdd(handle, this);
        }

        return connection;
    }

    public Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
        => Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public async Task<T?> QueryRowAsync<T>(string sql, string key, CancellationToken cancellationToken)
    {
        if (!_readers.TryTake(out var reader))
        {
            reader = new PreparedReader((SqliteConnection)await OpenAsync(cancellationToken));
        }

        try
        {
            var row = await reader.QueryRowAsync<T>(sql, key, cancellationToken);
            if (_readers.Count < MaxIdleReaders)
            {
                _readers.Add(reader);
                reader = null;
            }

            return row;
        }
        finally
        {
            reader?.Dispose();
        }
    }

    public void Dispose()
    {
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }

    public bool IsUniqueViolation(Exception exception)
        => exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await Migrations.ApplyAsync(this, connection, cancellationToken);
    }
}

/// One open connection and its prepared statements by SQL text; used by one caller at a time.
internal sealed class PreparedReader(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public async Task<T?> QueryRowAsync<T>(string sql, string key, CancellationToken cancellationToken)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.Add("@key", SqliteType.Text);
            command.Prepare();
            _commands[sql] = command;
        }

        command.Parameters[0].Value = key;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetRowParser<T>()(reader) : default;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        connection.Dispose();
    }
}
