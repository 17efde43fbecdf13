using System.Diagnostics;

namespace Upres.Service.Tests.Infrastructure;

/// A throwaway PostgreSQL cluster in a temp folder on a loopback port, run as the `postgres` user
/// (initdb refuses root). Null when PostgreSQL is not installed here.
public sealed class PostgresCluster : IDisposable
{
    private readonly string _bin;
    private readonly string _dir;
    private readonly string _data;

    private PostgresCluster(string bin, string dir, string data, int port)
    {
        _bin = bin;
        _dir = dir;
        _data = data;
        Port = port;
    }

    public int Port { get; }

    public const string MissingMessage = "PostgreSQL is not installed here: ./test.sh installs it (apt postgresql) before running the tests.";

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true";

    /// dataParent: where the data folder goes (a small file system that a test fills), with the
    /// write-ahead log kept in the temp folder, as a production server keeps it on its own disk:
    /// then a full data disk fails statements with disk_full instead of stopping the server.
    public static PostgresCluster? TryStart(string? dataParent = null)
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            : null;
        if (bin is null)
        {
            return null;
        }

        var dir = Path.Combine(Path.GetTempPath(), $"upres-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        Run("chown", "postgres", dir);
        var port = ServerProcess.FreePort();
        var data = Path.Combine(dataParent ?? dir, "data");
        if (dataParent is not null)
        {
            Run("chown", "postgres", dataParent);
        }

        // A separate write-ahead log folder only where the data has a file system of its own.
        string[] wal = dataParent is null ? [] : ["--waldir", Path.Combine(dir, "wal")];
        AsPostgres([Path.Combine(bin, "initdb"), "-D", data, .. wal, "-U", "postgres", "-A", "trust", "--no-sync"]);

        var cluster = new PostgresCluster(bin, dir, data, port);
        cluster.Start();
        return cluster;
    }

    /// Stops the server as an outage would (connections cut, nothing waited for); Start brings it back.
    public void Stop() => AsPostgres(Path.Combine(_bin, "pg_ctl"), "-D", _data, "-m", "immediate", "-w", "stop");

    public void Start() => AsPostgres(Path.Combine(_bin, "pg_ctl"), "-D", _data, "-l", Path.Combine(_dir, "log"), "-w", "-o",
        $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start");

    public void Dispose()
    {
        try
        {
            AsPostgres(Path.Combine(_bin, "pg_ctl"), "-D", _data, "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException)
        {
            // A test stopped it already.
        }
        finally
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static void AsPostgres(params string[] args) => Run("runuser", ["-u", "postgres", "--", .. args]);

    private static void Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/tmp" };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{exe} {string.Join(' ', args)} failed: {stderr} {stdout.Result}");
        }
    }
}
