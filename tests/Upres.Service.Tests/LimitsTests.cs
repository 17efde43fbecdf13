using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// Request size limits, slow clients, and retention, on a real server.
public sealed class LimitsTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;

    public async Task InitializeAsync() => _server = await UpresTestServer.StartAsync(new Dictionary<string, string?>
    {
        ["UPRES_WORKERS"] = "0",
        ["UPRES_HEADERS_TIMEOUT_SECONDS"] = "2",
        ["UPRES_MAX_BODY_KB"] = "64",
        ["UPRES_RETENTION_HOURS"] = "0.001",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_json_body_over_the_endpoint_limit_is_refused_with_413()
    {
        var (_, client, _) = await _server.CreateAccountAsync();
        var response = await client.PostAsJsonAsync("/v1/jobs", new { input = new { url = "https://public.example/x" }, metadata = new { blob = new string('x', 200_000) } });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_client_that_sends_headers_too_slowly_is_dropped()
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, _server.BaseAddress.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
        var started = DateTimeOffset.UtcNow;
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int read;
        try
        {
            read = await stream.ReadAsync(buffer, timeout.Token);
        }
        catch (IOException)
        {
            read = 0;
        }

        // Kestrel either closes the connection or answers 408; either way before our 20 s.
        Assert.True(read == 0 || Encoding.ASCII.GetString(buffer, 0, read).Contains(" 408 ", StringComparison.Ordinal));
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Uploads_older_than_the_retention_are_deleted_on_schedule()
    {
        var (_, client, _) = await _server.CreateAccountAsync();
        var id = await client.UploadIdAsync(Clips.Small());
        var path = Path.Combine(_server.DataDirectory, "uploads", id);
        Assert.True(File.Exists(path));
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (File.Exists(path) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.False(File.Exists(path));
        var response = await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = id } });
        Assert.Equal("upload_not_found", (string)(await response.ReadObjectAsync())["code"]!);
    }
}
