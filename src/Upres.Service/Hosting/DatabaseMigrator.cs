using Microsoft.Extensions.Hosting;
using Upres.Service.Data;

namespace Upres.Service.Hosting;

/// Runs before the server listens (hosted services start first), so no request meets an old schema.
public sealed class DatabaseMigrator(IUpresDatabase db) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => db.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
