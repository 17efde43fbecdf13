using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;

namespace Upres.Service.Tests.Infrastructure;

/// Many machines on one: an API-only node (`serve --workers 0`) and `upres worker` processes on one
/// throwaway PostgreSQL and one storage root (each node with its own data folder), a webhook
/// receiver and an account with a key. Disposing stops every process and the cluster; a start that
/// fails stops what it began (xUnit skips DisposeAsync when InitializeAsync throws).
public sealed class WorkerCluster : IAsyncDisposable
{
    private readonly List<ServerProcess> _workers = [];
    private PostgresCluster? _postgres;
    private WebhookReceiver? _receiver;
    private ServerProcess? _api;
    private HttpClient? _admin;
    private HttpClient? _client;

    private WorkerCluster(string root) => Root = root;

    public string Root { get; }

    /// The storage root every node shares.
    public string Shared => Path.Combine(Root, "shared");

    public PostgresCluster Postgres => _postgres!;

    public WebhookReceiver Receiver => _receiver!;

    public ServerProcess Api => _api!;

    /// Admin-keyed client of the API node.
    public HttpClient Admin => _admin!;

    /// The account's client of the API node.
    public HttpClient Client => _client!;

    /// Settings every node starts with; a test may change them before it starts its workers.
    public Dictionary<string, string> Environment { get; } = [];

    public IReadOnlyList<ServerProcess> Workers
    {
        get
        {
            lock (_workers)
            {
                return [.. _workers];
            }
        }
    }

    /// settings: what differs from the defaults below (lease, split thresholds).
    public static async Task<WorkerCluster> StartAsync(string name, IReadOnlyDictionary<string, string> settings)
    {
        var cluster = new WorkerCluster(TempDirectory.Create(name));
        try
        {
            await cluster.StartAsync(settings);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        _postgres = PostgresCluster.TryStart();
        Assert.True(_postgres is not null, PostgresCluster.MissingMessage);
        _receiver = await WebhookReceiver.StartAsync();
        var port = ServerProcess.FreePort();
        foreach (var (k, v) in new Dictionary<string, string>
        {
            ["UPRES_DB_CONNECTION"] = $"postgres://postgres@127.0.0.1:{_postgres.Port}/postgres",
            ["UPRES_STORAGE"] = Shared,
            ["UPRES_ADMIN_KEY"] = UpresTestServer.AdminKey,
            ["UPRES_PUBLIC_URL"] = $"http://127.0.0.1:{port}",
            ["UPRES_LEASE_SECONDS"] = "5",
            ["UPRES_POLL_MS"] = "100",
            ["UPRES_FETCH_ALLOW"] = "127.0.0.1:*",
            ["UPRES_WEBHOOK_ALLOW"] = "127.0.0.1:*",
            ["UPRES_WEBHOOK_RETRY_BASE_MS"] = "200",
            ["UPRES_RATE_LIMIT_PER_MINUTE"] = "100000",
            ["UPRES_THREADS"] = "1",
            ["Logging__LogLevel__Default"] = "Warning",
        }.Concat(settings))
        {
            Environment[k] = v;
        }

        _api = await ServerProcess.StartAsync(port, Node("api", ("UPRES_WORKERS", "0")));
        _admin = new HttpClient { BaseAddress = _api.BaseAddress };
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", UpresTestServer.AdminKey);
        var account = await (await _admin.PostAsJsonAsync("/v1/admin/accounts", new { name = "workers", credits = 1000 })).ReadObjectAsync();
        var key = (string)(await (await _admin.PostAsync($"/v1/admin/accounts/{(string)account["id"]!}/keys", null)).ReadObjectAsync())["key"]!;
        _client = new HttpClient { BaseAddress = _api.BaseAddress };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    /// name: the worker's data folder under Root (DataOf), for a test that prepares it first.
    public async Task<ServerProcess> StartWorkerAsync(string? name = null, params (string Key, string Value)[] extra)
    {
        var worker = await ServerProcess.StartWorkerAsync(Node(name ?? $"worker-{Guid.NewGuid():N}", extra), Admin);
        lock (_workers)
        {
            _workers.Add(worker);
        }

        return worker;
    }

    /// A node's own data folder (its scratch is DataOf(name)/tmp).
    public string DataOf(string name) => Path.Combine(Root, name);

    public Task StartWorkersAsync(int count) => Task.WhenAll(Enumerable.Range(0, count).Select(_ => StartWorkerAsync()));

    /// The job's ledger kinds, in name order.
    public async Task<List<string>> LedgerAsync(string jobId)
    {
        await using var c = new NpgsqlConnection(Postgres.ConnectionString);
        return [.. (await c.QueryAsync<string>("SELECT kind FROM ledger WHERE job_id = @jobId", new { jobId })).Order(StringComparer.Ordinal)];
    }

    /// One reserve and one charge; one terminal webhook, job.completed, at the job's hook path.
    public async Task AssertChargedOnceAndNotifiedOnceAsync(string jobId, string hook, int expectedHooks = 1)
    {
        Assert.Equal(["charge", "reserve"], await LedgerAsync(jobId));
        await Receiver.WaitForAsync(expectedHooks, TimeSpan.FromSeconds(30));
        await Task.Delay(500);
        var ends = Receiver.Deliveries.Where(d => d.Path == hook).Select(d => JsonNode.Parse(d.Body)!)
            .Where(b => (string)b["data"]!["id"]! == jobId).Select(b => (string)b["type"]!).ToList();
        Assert.Equal(["job.completed"], ends);
    }

    /// The last lines of every node's output, for a failure message.
    public string Logs() => "\n--- api:\n" + _api?.OutputTail + string.Concat(Workers.Select(w => $"\n--- worker {w.Id}:\n{w.OutputTail}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var w in Workers)
        {
            w.Dispose();
        }

        _api?.Dispose();
        _admin?.Dispose();
        _client?.Dispose();
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        _postgres?.Dispose();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    private Dictionary<string, string> Node(string name, params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>(Environment) { ["UPRES_DATA"] = Path.Combine(Root, name) };
        foreach (var (k, v) in extra)
        {
            env[k] = v;
        }

        return env;
    }
}
