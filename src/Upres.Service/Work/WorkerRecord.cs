namespace Upres.Service.Work;

/// A worker as it advertises itself in the workers table.
public sealed record WorkerRecord(
    string Id, string Host, int ProcessId, int Threads, string Provider, int Slots, IReadOnlyList<string> CurrentWork,
    DateTimeOffset StartedAt, DateTimeOffset LastHeartbeatAt, DateTimeOffset? StoppedAt);
