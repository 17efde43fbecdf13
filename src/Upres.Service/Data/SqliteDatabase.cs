using System.Collections.Concurrent;
using System.Data;
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

    /// The statements idle read connections hold with a row parser (the warm-up's test reads it).
    internal IReadOnlyList<string> ReadyStatements => [.. _readers.SelectMany(r => r.ReadyStatements)];

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
    private readonly Dictionary<string, Statement> _statements = new(StringComparer.Ordinal);

    // Dapper's row parser for a statement's columns, kept with it: asking Dapper for it on every row
    // reads and hashes every column's name and type first (48 columns for a job).
    private sealed class Statement(SqliteCommand command)
    {
        public SqliteCommand Command { get; } = command;
        public Delegate? Parser { get; set; }
        public int ParserColumns { get; set; }
    }

    public IEnumerable<string> ReadyStatements => _statements.Where(s => s.Value.Parser is not null).Select(s => s.Key);

    public async Task<T?> QueryRowAsync<T>(string sql, string key, CancellationToken cancellationToken)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.Add("@key", SqliteType.Text);
            command.Prepare();
            statement = new Statement(command);
            _statements[sql] = statement;
        }

        statement.Command.Parameters[0].Value = key;
        await using var reader = await statement.Command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return default;
        }

        // A migration by a newer node adds columns at the end of `SELECT *`: a new column count asks Dapper again.
        if (statement.Parser is Func<DbDataReader, T> kept && statement.ParserColumns == reader.FieldCount)
        {
            try
            {
                return kept(reader);
            }
            catch (DataException)
            {
                // SQLite types each value: a column's declared type keeps it stable, but a value stored
                // as another type (a real in an INTEGER column) fails the kept parser. Ask Dapper for this row's.
            }
        }

        var parser = reader.GetRowParser<T>();
        statement.Parser = parser;
        statement.ParserColumns = reader.FieldCount;
        return parser(reader);
    }

    public void Dispose()
    {
        foreach (var statement in _statements.Values)
        {
            statement.Command.Dispose();
        }

        connection.Dispose();
    }
}
