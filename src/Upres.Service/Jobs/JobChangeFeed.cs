using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Upres.Service.Data;
using Upres.Service.Hosting;

namespace Upres.Service.Jobs;

/// Feeds JobChanges with the writes other processes make (an `upres worker`, another API node).
/// PostgreSQL: one connection per process LISTENs on upres_job_changes, which a trigger on jobs
/// notifies. SQLite: one query per poll interval, only while a stream is open, finds jobs whose
/// updated_at moved. Writes made in this process are published by the store at once either way.
public sealed partial class JobChangeFeed(
    IUpresDatabase db, JobChanges changes, IOptions<UpresOptions> options, TimeProvider clock, ILogger<JobChangeFeed> logger) : BackgroundService
{
    public const string Channel = "upres_job_changes";

    // A write stamped before the last poll may commit after it: look back this far, and publish a
    // (job, updated_at) pair once.
    private static readonly TimeSpan LookBack = TimeSpan.FromSeconds(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => db.Provider == DatabaseProvider.Postgres ? ListenAsync(stoppingToken) : PollAsync(stoppingToken);

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = (NpgsqlConnection)await db.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => changes.Publish(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Notifications sent while no connection listened are lost: every stream reads again.
                changes.PublishAll();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogListenFailed(e);
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(Math.Min(options.Value.PollMilliseconds, 1000));
        var published = new Dictionary<string, long>(StringComparer.Ordinal);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, clock, stoppingToken);
                var since = clock.Ms() - (long)LookBack.TotalMilliseconds;
                if (changes.WatchedCount == 0)
                {
                    published.Clear();
                    continue;
                }

                await using var c = await db.OpenAsync(stoppingToken);
                var rows = await c.QueryAsync<(string Id, long UpdatedAt)>(new CommandDefinition(
                    "SELECT id, updated_at FROM jobs WHERE updated_at > @since", new { since }, cancellationToken: stoppingToken));
                foreach (var (id, updatedAt) in rows)
                {
                    if (!published.TryGetValue(id, out var seen) || seen != updatedAt)
                    {
                        published[id] = updatedAt;
                        changes.Publish(id);
                    }
                }

                foreach (var old in published.Where(kv => kv.Value <= since).Select(kv => kv.Key).ToList())
                {
                    published.Remove(old);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogPollFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "job change listener lost its connection; reconnecting")]
    private partial void LogListenFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "job change poll failed")]
    private partial void LogPollFailed(Exception e);
}
