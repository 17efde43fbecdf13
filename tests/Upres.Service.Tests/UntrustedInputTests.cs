using System.Net;
using System.Net.Http.Json;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// URL inputs fetched from a real loopback server (allowed for 127.0.0.1 only), and the hostile-media
/// table against real ffprobe.
public sealed class UntrustedInputTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;
    private FileServer _files = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _files = await FileServer.StartAsync(new Dictionary<string, string>
        {
            ["clip.mp4"] = Clips.Small(),
            ["big.mp4"] = Clips.Make("big2.mp4", ["-f", "lavfi", "-i", "testsrc2=size=640x480:rate=30", "-t", "3", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0"]),
        });
        _server = await UpresTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["UPRES_WORKERS"] = "0",
            ["UPRES_FETCH_ALLOW"] = "127.0.0.1:*", ["UPRES_WEBHOOK_ALLOW"] = "127.0.0.1:*",
            ["UPRES_FETCH_MAX_MB"] = "1",
            ["UPRES_MAX_DURATION_SECONDS"] = "5",
            ["UPRES_MAX_STREAMS"] = "3",
            ["UPRES_RATE_LIMIT_PER_MINUTE"] = "1000",
        });
        (_, _client, _) = await _server.CreateAccountAsync(credits: 1000);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _files.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string? Code)> CreateFromUrlAsync(string url)
    {
        var response = await _client.PostAsJsonAsync("/v1/jobs", new { input = new { url } });
        var body = await response.ReadObjectAsync();
        var code = (string?)body["code"];
        // The detail rides along so a wrong code says why.
        return (response.StatusCode, code is "url_refused" or "fetch_failed" or null ? code : code + ": " + (string?)body["detail"]);
    }

    [Fact]
    public async Task A_job_from_an_allowed_url_is_fetched_probed_and_queued()
    {
        var (status, code) = await CreateFromUrlAsync(_files.Url("/files/clip.mp4"));
        Assert.True(status == HttpStatusCode.Created, code);
    }

    [Fact]
    public async Task An_account_without_credits_cannot_make_the_server_fetch_a_url()
    {
        var (_, broke, _) = await _server.CreateAccountAsync(credits: 0);
        var before = _files.Requests;

        var response = await broke.PostAsJsonAsync("/v1/jobs", new { input = new { url = _files.Url("/files/clip.mp4") } });

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal("insufficient_credits", (string)(await response.ReadObjectAsync())["code"]!);
        Assert.Equal(before, _files.Requests);
        var (status, code) = await CreateFromUrlAsync(_files.Url("/files/clip.mp4"));
        Assert.True(status == HttpStatusCode.Created, code);
        Assert.True(_files.Requests > before, "the funded account's fetch should reach the file server");
    }

    [Fact]
    public async Task Up_to_three_redirects_are_followed_each_rechecked_and_a_fourth_is_refused()
    {
        Assert.Equal(HttpStatusCode.Created, (await CreateFromUrlAsync(_files.Url("/hops/3/clip.mp4"))).Status);
        Assert.Equal("fetch_failed", (await CreateFromUrlAsync(_files.Url("/hops/4/clip.mp4"))).Code);
    }

    [Fact]
    public async Task A_redirect_to_a_private_address_is_refused()
    {
        var first = await _client.PostAsJsonAsync("/v1/jobs", new { input = new { url = _files.Url("/to/10.0.0.1/x.mp4") } });
        var problem = await first.ReadObjectAsync();
        Assert.True((string?)problem["code"] == "url_refused", problem.ToJsonString());
        Assert.Equal("url_refused", (await CreateFromUrlAsync(_files.Url("/to/169.254.169.254/latest"))).Code);
        Assert.Equal("url_refused", (await CreateFromUrlAsync(_files.Url("/to/[fd00::1]/x"))).Code);
    }

    [Fact]
    public async Task Odd_spellings_of_an_allowed_loopback_address_are_still_refused()
    {
        var port = _files.BaseAddress.Port;
        Assert.Equal("url_refused", (await CreateFromUrlAsync($"http://2130706433:{port}/files/clip.mp4")).Code);
        Assert.Equal("url_refused", (await CreateFromUrlAsync($"http://0x7f.1:{port}/files/clip.mp4")).Code);
        Assert.Equal("url_refused", (await CreateFromUrlAsync($"http://[::ffff:127.0.0.1]:{port}/files/clip.mp4")).Code);
    }

    [Fact]
    public async Task Downloads_over_the_byte_cap_are_refused_and_leave_no_file()
    {
        Assert.Equal("fetch_failed", (await CreateFromUrlAsync(_files.Url("/files/big.mp4"))).Code);
        var inputs = Path.Combine(_server.DataDirectory, "inputs");
        Assert.True(!Directory.Exists(inputs) || Directory.GetFiles(inputs).Length == 0);
    }

    public static TheoryData<string, string> HostileMedia => new()
    {
        { "playlist", "unsupported_media" },
        { "playlist-as-mp4", "unsupported_media" },
        { "playlist-behind-id3", "unsupported_media" },
        { "concat", "unsupported_media" },
        { "text", "unsupported_media" },
        { "random-bytes", "unsupported_media" },
        { "audio-only", "unsupported_media" },
        { "tiny", "media_limit_exceeded" },
        { "too-long", "media_limit_exceeded" },
        { "too-fast", "media_limit_exceeded" },
        { "too-many-streams", "media_limit_exceeded" },
        { "image", "unsupported_media" },
    };

    [Theory]
    [MemberData(nameof(HostileMedia))]
    public async Task Hostile_media_is_refused_before_any_work_starts(string kind, string expectedCode)
    {
        var dir = TempDirectory.Create("hostile");
        var path = Path.Combine(dir, kind + ".mp4");
        var secret = Path.Combine(dir, "secret.txt");
        await File.WriteAllTextAsync(secret, "host secret");
        switch (kind)
        {
            case "playlist":
            case "playlist-as-mp4":
                await File.WriteAllTextAsync(path, $"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile://{Clips.Small()}\n#EXTINF:1,\n{secret}\n#EXT-X-ENDLIST\n");
                break;
            case "playlist-behind-id3":
                // ffmpeg's format detection skips an ID3 tag, so this is an HLS playlist to it but not to a sniff
                // of the first bytes; it is also a valid MPEG-TS (the clip's own bytes follow the playlist).
                var ts = Clips.Make("own.ts", ["-f", "lavfi", "-i", "testsrc2=size=160x128:rate=10", "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-f", "mpegts"]);
                byte[] id3 = [(byte)'I', (byte)'D', (byte)'3', 4, 0, 0, 0, 0, 0, 16, .. new byte[16]];
                var playlist = System.Text.Encoding.ASCII.GetBytes($"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n{Clips.Small()}\n#EXT-X-ENDLIST\n");
                await File.WriteAllBytesAsync(path, [.. id3, .. playlist, .. await File.ReadAllBytesAsync(ts)]);
                break;
            case "concat":
                await File.WriteAllTextAsync(path, $"ffconcat version 1.0\nfile '{Clips.Small()}'\nfile '{secret}'\n");
                break;
            case "text":
                await File.WriteAllTextAsync(path, "hello, this is not a video\n");
                break;
            case "random-bytes":
                await File.WriteAllBytesAsync(path, Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray());
                break;
            case "audio-only":
                File.Copy(Clips.Make("audio.m4a", ["-f", "lavfi", "-i", "sine", "-t", "1", "-c:a", "aac"]), path);
                break;
            case "tiny":
                File.Copy(Clips.Small(1, 64, 64), path);
                break;
            case "too-long":
                File.Copy(Clips.Small(6), path);
                break;
            case "too-fast":
                File.Copy(Clips.Make("fast.mp4", ["-f", "lavfi", "-i", "testsrc2=size=160x128:rate=300", "-t", "0.5", "-c:v", "libx264", "-preset", "ultrafast"]), path);
                break;
            case "too-many-streams":
                File.Copy(Clips.Make("streams.mkv", ["-f", "lavfi", "-i", "testsrc2=size=160x128:rate=10", "-f", "lavfi", "-i", "sine", "-t", "1",
                    "-map", "0:v", "-map", "1:a", "-map", "1:a", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"]), path);
                break;
            case "image":
                File.Copy(Clips.Make("still.png", ["-f", "lavfi", "-i", "testsrc2=size=160x128", "-frames:v", "1"]), path);
                break;
        }

        var response = await _client.UploadAsync(path);
        Assert.Equal(expectedCode, (string?)(await response.ReadObjectAsync())["code"]);
        var uploads = Path.Combine(_server.DataDirectory, "uploads");
        Assert.True(!Directory.Exists(uploads) || Directory.GetFiles(uploads).Length == 0, "a refused upload leaves no file");
    }

    [Fact]
    public async Task Per_key_rate_limits_answer_429_with_retry_after()
    {
        await using var server = await UpresTestServer.StartAsync(new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0", ["UPRES_RATE_LIMIT_PER_MINUTE"] = "3" });
        var (_, client, _) = await server.CreateAccountAsync();
        var (_, other, _) = await server.CreateAccountAsync(name: "other");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await client.GetAsync("/v1/account")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], statuses.Take(3));
        var limited = await client.GetAsync("/v1/account");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("rate_limited", (string)(await limited.ReadObjectAsync())["code"]!);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/v1/account")).StatusCode);
    }
}
