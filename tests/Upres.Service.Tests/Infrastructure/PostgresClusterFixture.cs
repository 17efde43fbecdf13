using Npgsql;

namespace Upres.Service.Tests.Infrastructure;

/// One throwaway PostgreSQL cluster for a test class; each test gets its own database on it.
public sealed class PostgresClusterFixture : IDisposable
{
    private readonly Lazy<PostgresCluster> _cluster = new(() => PostgresCluster.TryStart()
        ?? throw new InvalidOperationException(PostgresCluster.MissingMessage));

    public async Task<string> CreateDatabaseAsync()
    {
        var cluster = _cluster.Value;
        var name = $"t_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(cluster.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = name }.ConnectionString;
    }

    public void Dispose()
    {
        if (_cluster.IsValueCreated)
        {
            NpgsqlConnection.ClearAllPools();
            _cluster.Value.Dispose();
        }
    }
}
