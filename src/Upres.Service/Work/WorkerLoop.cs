using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Upres.Service.Hosting;
using Upres.Service.Jobs;
using Upres.Service.Metrics;

namespace Upres.Service.Work;

/// This process as a worker: UPRES_WORKERS slots, each claiming the next unit of any kind (in the
/// kinds' priority order) and running it under a WorkLease. The worker advertises itself and what it
/// runs in the workers table. On stop (SIGTERM) every lease's token is cancelled, so the engine
/// stops and each unit is released back to the queue without counting the attempt.
public sealed partial class WorkerLoop(
    IEnumerable<IWorkKind> kinds,
    SqlWorkerStore workers,
    WorkerIdentity identity,
    RunningJobs running,
    JobQueueSignal signal,
    UpresMetrics metrics,
    IOptions<UpresOptions> options,
    TimeProvider clock,
    ILogger<WorkerLoop> logger) : BackgroundService
{
    private readonly IWorkKind[] _kinds = [.. kinds.OrderBy(k => k.Priority)];
    private readonly ConcurrentDictionary<string, string> _current = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var slots = options.Value.WorkerConcurrency;
        if (slots == 0)
        {
            return;
        }

        LogStarted(identity.Id, slots);
        var beat = Task.Run(() => AdvertiseAsync(stoppingToken), CancellationToken.None);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, slots).Select(_ => Task.Run(() => SlotAsync(stoppingToken), CancellationToken.None)));
        }
        finally
        {
            await beat;
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await workers.MarkStoppedAsync(identity, timeout.Token);
            }
            catch (Exception e)
            {
                LogError(e);
            }

            LogStopped(identity.Id);
        }
    }

    private async Task SlotAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);
        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Claimed without the stopping token: a claim that committed must reach RunAsync (and
                // be released there), or it would sit leased until it expired and count as a strike.
                var unit = await ClaimAsync();
                backoff = TimeSpan.Zero;
                if (unit is null)
                {
                    await signal.WaitAsync(poll, stoppingToken);
                    continue;
                }

                var entry = $"{unit.Claim.Kind}:{unit.Claim.UnitId}";
                _current[unit.Claim.Token] = entry;
                try
                {
                    await using var lease = WorkLease.Start(unit, options.Value.Lease, running, clock, logger, stoppingToken);
                    await unit.RunAsync(lease);
                }
                finally
                {
                    _current.TryRemove(unit.Claim.Token, out _);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database is away (restarting, unreachable, its disk full) or a unit broke: back off and try
                // again. Whatever this slot held is fenced; its lease expires and another takes it.
                backoff = TimeSpan.FromMilliseconds(Math.Clamp(backoff.TotalMilliseconds * 2, 500, 10_000));
                if (WorkLease.IsTransient(e))
                {
                    LogDatabaseAway(backoff.TotalSeconds, e.Message);
                }
                else
                {
                    LogError(e);
                }

                await Task.Delay(backoff, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<IClaimedWork?> ClaimAsync()
    {
        foreach (var kind in _kinds)
        {
            if (await kind.TryClaimAsync(identity, options.Value.Lease, CancellationToken.None) is { } unit)
            {
                metrics.Claimed(unit.Claim.Kind);
                return unit;
            }
        }

        return null;
    }

    private async Task AdvertiseAsync(CancellationToken stoppingToken)
    {
        var interval = WorkLease.HeartbeatInterval(options.Value.Lease) * 2;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await workers.BeatAsync(identity, [.. _current.Values.Order(StringComparer.Ordinal)], stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogDatabaseAway(interval.TotalSeconds, e.Message);
            }

            await Task.Delay(interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "worker {WorkerId} started with {Slots} slot(s)")]
    private partial void LogStarted(string workerId, int slots);

    [LoggerMessage(Level = LogLevel.Information, Message = "worker {WorkerId} stopped")]
    private partial void LogStopped(string workerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "database unreachable or full, retrying in {Seconds} s: {Reason}")]
    private partial void LogDatabaseAway(double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "worker loop error")]
    private partial void LogError(Exception e);
}
