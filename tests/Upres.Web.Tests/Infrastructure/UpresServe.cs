using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Upres.Web.Tests.Infrastructure;

/// `upres serve` as a child process on a free loopback port with its own data folder, as a user
/// starts it: no admin key set, so it writes one to $UPRES_DATA/admin.key.
public sealed class UpresServe : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private UpresServe(Process process, Uri baseAddress, string dataDirectory)
    {
        _process = process;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    public HttpClient Http { get; }

    public string AdminKey => File.ReadAllText(Path.Combine(DataDirectory, "admin.key")).Trim();

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

    public static async Task<UpresServe> StartAsync(string marker)
    {
        var data = Path.Combine(Path.GetTempPath(), $"upres-web-{Guid.NewGuid():N}");
        Directory.CreateDirectory(data);
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "upres.dll"));
        psi.ArgumentList.Add("serve");
        psi.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        psi.Environment["UPRES_DATA"] = data;
        psi.Environment.Remove("UPRES_ADMIN_KEY");
        psi.Environment[ProcessLeaks.MarkerVariable] = marker;

        var process = Process.Start(psi)!;
        var server = new UpresServe(process, new Uri($"http://127.0.0.1:{port}/"), data);
        process.OutputDataReceived += (_, e) => server.Add(e.Data);
        process.ErrorDataReceived += (_, e) => server.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"upres serve exited with {process.ExitCode}:\n{server.OutputTail}");
            }

            try
            {
                if ((await server.Http.GetAsync("/readyz")).IsSuccessStatusCode && File.Exists(Path.Combine(data, "admin.key")))
                {
                    return server;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        await server.DisposeAsync();
        throw new TimeoutException($"upres serve not ready:\n{server.OutputTail}");
    }

    /// An account with the given credits and a key for it, made through the admin API.
    public async Task<string> CreateAccountKeyAsync(string name, long credits)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/v1/admin/accounts") { Content = JsonContent.Create(new { name, credits }) };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var created = await Http.SendAsync(create);
        created.EnsureSuccessStatusCode();
        var id = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!;
        using var key = new HttpRequestMessage(HttpMethod.Post, $"/v1/admin/accounts/{id}/keys");
        key.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var made = await Http.SendAsync(key);
        made.EnsureSuccessStatusCode();
        return (string)JsonNode.Parse(await made.Content.ReadAsStringAsync())!["key"]!;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
