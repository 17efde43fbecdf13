using System.Data.Common;
using Dapper;
using Npgsql;

namespace Upres.Service.Data;

/// The shared store for several workers on one database.
public sealed class PostgresDatabase(string connectionString) : IUpresDatabase, IDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public DatabaseProvider Provider => DatabaseProvider.Postgres;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
        => await _dataSource.OpenConnectionAsync(cancellationToken);

    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
        => await connection.BeginTransactionAsync(cancellationToken);

    public async Task<T?> QueryRowAsync<T>(string sql, string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, new { key }, cancellationToken: cancellationToken));
    }

    public bool IsUniqueViolation(Exception exception)
        => exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // Several processes may start at once against one database: serialise migrations.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(774411)", (NpgsqlConnection)connection))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await Migrations.ApplyAsync(this, connection, cancellationToken);
    }

    public void Dispose() => _dataSource.Dispose();
}
