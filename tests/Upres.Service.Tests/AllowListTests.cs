using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Upres.Service.Problems;
using Upres.Service.Security;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// Two allow-lists (inputs, webhooks), ports on every entry, allowed names' addresses still checked,
/// and the address checked is the address connected to (DNS rebinding).
public sealed class AllowListTests
{
    private static Task<IPAddress[]> Resolve(string host, CancellationToken _) => Task.FromResult(host switch
    {
        "media.intranet" => new[] { IPAddress.Parse("10.1.2.3") },
        "metadata.intranet" => [IPAddress.Parse("169.254.169.254")],
        "loop.intranet" => [IPAddress.Loopback],
        "mixed.intranet" => [IPAddress.Parse("10.1.2.3"), IPAddress.Parse("127.0.0.1")],
        _ => throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound),
    });

    [Theory]
    [InlineData("127.0.0.1", "http://127.0.0.1:8080/x", false)]
    [InlineData("127.0.0.1", "http://127.0.0.1/x", true)]
    [InlineData("127.0.0.1", "https://127.0.0.1/x", true)]
    [InlineData("127.0.0.1:8080", "http://127.0.0.1:8080/x", true)]
    [InlineData("127.0.0.1:8080", "http://127.0.0.1:8081/x", false)]
    [InlineData("127.0.0.1:*", "http://127.0.0.1:8081/x", true)]
    [InlineData("10.0.0.0/8:443", "https://10.9.8.7/x", true)]
    [InlineData("10.0.0.0/8:443", "http://10.9.8.7/x", false)]
    [InlineData("[::1]:*", "http://[::1]:9000/x", true)]
    [InlineData("::1", "http://[::1]:9000/x", false)]
    [InlineData("media.intranet", "http://media.intranet/x", true)]
    [InlineData("media.intranet", "http://media.intranet:22/x", false)]
    [InlineData("media.intranet:8443", "https://media.intranet:8443/x", true)]
    [InlineData("metadata.intranet", "http://metadata.intranet/x", false)]
    [InlineData("loop.intranet", "http://loop.intranet/x", false)]
    [InlineData("mixed.intranet", "http://mixed.intranet/x", false)]
    [InlineData("loop.intranet, 127.0.0.1", "http://loop.intranet/x", true)]
    public async Task Entries_open_their_ports_only_and_an_allowed_name_still_has_its_addresses_checked(string allow, string url, bool allowed)
    {
        var guard = new UrlGuard(new FetchAllowList(allow), Resolve);
        var error = await Record.ExceptionAsync(() => guard.CheckAsync(url, CancellationToken.None));
        Assert.True(allowed == (error is null), error?.Message ?? "allowed");
        if (error is not null)
        {
            Assert.Equal("url_refused", Assert.IsType<ServiceException>(error).Error.Code);
        }
    }

    [Fact]
    public async Task Inputs_and_webhooks_have_their_own_allow_list()
    {
        await using var server = await UpresTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["UPRES_WORKERS"] = "0",
            ["UPRES_FETCH_ALLOW"] = "127.0.0.1:*",
            ["UPRES_WEBHOOK_ALLOW"] = "10.0.0.0/8:443",
        });
        var inputs = server.App.Services.GetRequiredService<UrlGuard>();
        var webhooks = server.App.Services.GetRequiredKeyedService<UrlGuard>(UrlGuard.Webhooks);

        Assert.Null(await Record.ExceptionAsync(() => inputs.CheckAsync("http://127.0.0.1:9000/in.mp4", CancellationToken.None)));
        Assert.NotNull(await Record.ExceptionAsync(() => webhooks.CheckAsync("http://127.0.0.1:9000/hook", CancellationToken.None)));
        Assert.Null(await Record.ExceptionAsync(() => webhooks.CheckAsync("https://10.0.0.5/hook", CancellationToken.None)));
        Assert.NotNull(await Record.ExceptionAsync(() => inputs.CheckAsync("https://10.0.0.5/in.mp4", CancellationToken.None)));
    }

    [Theory]
    [InlineData("UPRES_FETCH_ALLOW", "10.0.0.0/8:http")]
    [InlineData("UPRES_WEBHOOK_ALLOW", "[fd00::/8")]
    public async Task A_malformed_entry_stops_the_start_naming_the_setting(string setting, string value)
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => UpresTestServer.StartAsync(new Dictionary<string, string?> { [setting] = value }));
        var line = Assert.Single(Upres.Service.Hosting.StartupCheck.Describe(e)!);
        Assert.StartsWith($"{setting}={value}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_that_resolves_public_at_the_check_and_private_at_the_connection_is_never_connected()
    {
        await using var site = await FileServer.StartAsync(new Dictionary<string, string> { ["/clip.mp4"] = Clips.Tiny() });
        var answers = 0;
        Task<IPAddress[]> Rebinding(string host, CancellationToken _) =>
            Task.FromResult(Interlocked.Increment(ref answers) == 1 ? new[] { IPAddress.Parse("93.184.216.34") } : [IPAddress.Loopback]);
        var guard = new UrlGuard(FetchAllowList.Empty, Rebinding);
        var url = $"http://rebind.example:{site.BaseAddress.Port}/clip.mp4";
        using var client = SafeHttp.CreateClient(guard, TimeSpan.FromSeconds(10));

        await guard.CheckAsync(url, CancellationToken.None);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(url));

        Assert.Equal(2, answers);
        Assert.Contains("refused address", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, site.Requests);

        // The same client with loopback allowed does reach the site: the refusal above was the check's.
        var open = new UrlGuard(new FetchAllowList($"127.0.0.1:{site.BaseAddress.Port}"), Rebinding);
        using var openClient = SafeHttp.CreateClient(open, TimeSpan.FromSeconds(10));
        using var reached = await openClient.GetAsync(url);
        Assert.Equal(1, site.Requests);
    }
}
