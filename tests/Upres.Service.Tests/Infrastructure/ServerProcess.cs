using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Upres.Service.Tests.Infrastructure;

/// The server (or an `upres worker`) as a child process (this test assembly's Main runs UpresServer),
/// so a test can kill -9, SIGSTOP, SIGCONT or SIGTERM it.
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly Uri? _baseAddress;
    private int _disposed;

    private ServerProcess(Process process, Uri? baseAddress)
    {
        _process = process;
        _baseAddress = baseAddress;
    }

    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException("a worker has no HTTP address");

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string OutputTail
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(40));
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// `upres worker` with these settings; ready once it appears alive in GET /v1/admin/workers of
    /// the API node (which must share its database).
    public static async Task<ServerProcess> StartWorkerAsync(IDictionary<string, string> environment, HttpClient admin)
    {
        var worker = Launch(["worker"], environment, null);
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (worker.HasExited)
            {
                throw new InvalidOperationException($"worker exited with {worker.ExitCode}:\n{worker.OutputTail}");
            }

            var list = await (await admin.GetAsync("/v1/admin/workers")).ReadObjectAsync();
            if (list["data"]!.AsArray().Any(w => (int)w!["process_id"]! == worker.Id && (bool)w["alive"]!))
            {
                return worker;
            }

            await Task.Delay(200);
        }

        worker.Dispose();
        throw new TimeoutException($"worker not advertised:\n{worker.OutputTail}");
    }

    public static async Task<ServerProcess> StartAsync(int port, IDictionary<string, string> environment)
    {
        var server = Launch(["serve", $"--urls=http://127.0.0.1:{port}"], environment, new Uri($"http://127.0.0.1:{port}/"));
        var process = server._process;

        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"server exited with {process.ExitCode}:\n{server.OutputTail}");
            }

            try
            {
                if ((await client.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        server.Dispose();
        throw new TimeoutException($"server not ready:\n{server.OutputTail}");
    }

    private static ServerProcess Launch(string[] args, IDictionary<string, string> environment, Uri? baseAddress)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(typeof(TestHostProgram).Assembly.Location);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment)
        {
            psi.Environment[k] = v;
        }

        var process = Process.Start(psi)!;
        var server = new ServerProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) => server.Add(e.Data);
        process.ErrorDataReceived += (_, e) => server.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// SIGSTOP / SIGCONT / SIGTERM to the process and its children (ffmpeg), as `kill` sends them.
    public void Signal(string signal)
    {
        var pids = new List<int> { _process.Id };
        pids.AddRange(Descendants(_process.Id));
        Clips.Run("kill", [$"-{signal}", .. pids.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static IEnumerable<int> Descendants(int pid)
    {
        var children = File.Exists($"/proc/{pid}/task/{pid}/children")
            ? File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList()
            : [];
        return children.Concat(children.SelectMany(Descendants));
    }

    /// SIGKILL to the server and everything it started (ffmpeg): no shutdown code runs.
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// Kills what is still running; a second call does nothing (a test may hold it in a using and a list).
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }
}
