using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Upres.Service.Hosting;

namespace Upres.Service.Work;

/// GET /v1/admin/workers: the worker processes sharing this database, live ones first.
public static class WorkersApi
{
    public sealed record WorkerView(
        string Id, string Host, int ProcessId, int Threads, string Provider, int Slots, IReadOnlyList<string> CurrentWork,
        DateTimeOffset StartedAt, DateTimeOffset LastHeartbeatAt, DateTimeOffset? StoppedAt, bool Alive);

    public sealed record WorkerList(IReadOnlyList<WorkerView> Data);

    public static RouteGroupBuilder MapWorkers(this RouteGroupBuilder admin)
    {
        admin.MapGet("/workers", List).WithName("ListWorkers");
        return admin;
    }

    public static async Task<Ok<WorkerList>> List(SqlWorkerStore store, IOptions<UpresOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // A worker beats every third of a lease; three missed beats and it is presumed dead.
        var deadAfter = options.Value.Lease;
        var rows = await store.ListAsync(now - TimeSpan.FromHours(24), ct);
        var views = rows
            .Select(w => new WorkerView(w.Id, w.Host, w.ProcessId, w.Threads, w.Provider, w.Slots, w.CurrentWork, w.StartedAt, w.LastHeartbeatAt, w.StoppedAt,
                w.StoppedAt is null && now - w.LastHeartbeatAt <= deadAfter))
            .OrderByDescending(w => w.Alive)
            .ToList();
        return TypedResults.Ok(new WorkerList(views));
    }
}
