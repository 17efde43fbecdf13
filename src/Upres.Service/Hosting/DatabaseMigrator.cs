using Microsoft.Extensions.Hosting;
using Upres.Service.Data;

namespace Upres.Service.Hosting;

/// Runs before the server listens (hosted services start first), so no request meets an old schema.
public sealed class DatabaseMigrator(IUpresDatabase db, Storage.ResultLinks links) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await db.MigrateAsync(cancellationToken);
        await links.InitializeAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
