using System.Text.Json;
using Dapper;
using Upres.Service.Data;

namespace Upres.Service.Work;

/// The workers table: each worker process upserts its row on every beat; rows are never removed,
/// a stopped worker keeps its last state and its stop time.
public sealed class SqlWorkerStore(IUpresDatabase db, TimeProvider clock)
{
    public async Task BeatAsync(WorkerIdentity worker, IReadOnlyList<string> currentWork, CancellationToken cancellationToken)
    {
        var now = clock.Ms();
        await using var c = await db.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO workers (id, host, process_id, threads, provider, slots, current_work, started_at, heartbeat_at)
            VALUES (@Id, @Host, @ProcessId, @Threads, @Provider, @Slots, @work, @now, @now)
            ON CONFLICT (id) DO UPDATE SET current_work = @work, heartbeat_at = @now
            """,
            new
            {
                worker.Id, worker.Host, ProcessId = (long)worker.ProcessId, Threads = (long)worker.Threads, worker.Provider, Slots = (long)worker.Slots,
                work = JsonSerializer.Serialize(currentWork), now,
            },
            cancellationToken: cancellationToken));
    }

    public async Task MarkStoppedAsync(WorkerIdentity worker, CancellationToken cancellationToken)
    {
        var now = clock.Ms();
        await using var c = await db.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE workers SET stopped_at = @now, heartbeat_at = @now, current_work = '[]' WHERE id = @id",
            new { id = worker.Id, now }, cancellationToken: cancellationToken));
    }

    /// Workers seen since the cutoff (live or recently stopped), newest first.
    public async Task<IReadOnlyList<WorkerRecord>> ListAsync(DateTimeOffset seenAfter, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(
            "SELECT * FROM workers WHERE heartbeat_at >= @after ORDER BY started_at DESC, id LIMIT 500",
            new { after = seenAfter.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToRecord())];
    }

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string Host { get; set; } = "";
        public long ProcessId { get; set; }
        public long Threads { get; set; }
        public string Provider { get; set; } = "";
        public long Slots { get; set; }
        public string CurrentWork { get; set; } = "[]";
        public long StartedAt { get; set; }
        public long HeartbeatAt { get; set; }
        public long? StoppedAt { get; set; }

        public WorkerRecord ToRecord() => new(Id, Host, (int)ProcessId, (int)Threads, Provider, (int)Slots,
            JsonSerializer.Deserialize<List<string>>(CurrentWork) ?? [], StartedAt.ToTime(), HeartbeatAt.ToTime(), StoppedAt.ToTime());
    }
}
