namespace Upres.Service.Work;

/// This process as a worker: what it advertises in the workers table.
public sealed record WorkerIdentity(string Id, string Host, int ProcessId, int Threads, string Provider, int Slots)
{
    public static WorkerIdentity ForThisProcess(int threads, string provider, int slots)
    {
        var host = Environment.MachineName;
        var id = $"wrk_{host}_{Environment.ProcessId}_{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";
        return new WorkerIdentity(id, host, Environment.ProcessId, threads, provider, slots);
    }
}
