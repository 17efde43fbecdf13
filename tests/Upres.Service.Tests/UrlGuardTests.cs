using System.Net;
using Upres.Service.Problems;
using Upres.Service.Security;

namespace Upres.Service.Tests;

/// The SSRF table: every spelling and range that must be refused, and what must pass.
public sealed class UrlGuardTests
{
    /// A table-driven resolver: the names these rows use and the addresses they stand for.
    private static Task<IPAddress[]> Resolve(string host, CancellationToken _) => Task.FromResult(host switch
    {
        "public.example" => new[] { IPAddress.Parse("93.184.216.34") },
        "localhost" => [IPAddress.Loopback, IPAddress.IPv6Loopback],
        "mixed.example" => [IPAddress.Parse("93.184.216.34"), IPAddress.Parse("10.0.0.7")],
        "rebind.example" => [IPAddress.Parse("169.254.169.254")],
        "v6only.example" => [IPAddress.Parse("2606:4700:4700::1111")],
        "intranet.corp" => [IPAddress.Parse("10.1.2.3")],
        _ => throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound),
    });

    public static TheoryData<string, string?> Table => new()
    {
        // Allowed: public addresses, by name or literal.
        { "http://public.example/video.mp4", null },
        { "https://public.example:8443/v?x=1", null },
        { "http://93.184.216.34/", null },
        { "http://v6only.example/", null },
        { "http://[2606:4700:4700::1111]/", null },
        // Schemes and forms.
        { "ftp://public.example/x", "url_refused" },
        { "file:///etc/passwd", "url_refused" },
        { "gopher://public.example/", "url_refused" },
        { "http://user:pw@public.example/", "url_refused" },
        { "/relative/path", "url_refused" },
        { "not a url", "url_refused" },
        // Loopback, private, link-local, CGNAT, multicast, reserved.
        { "http://127.0.0.1/", "url_refused" },
        { "http://127.8.9.10:8080/", "url_refused" },
        { "http://localhost/", "url_refused" },
        { "http://10.0.0.1/", "url_refused" },
        { "http://172.16.0.1/", "url_refused" },
        { "http://172.31.255.254/", "url_refused" },
        { "http://192.168.1.1/", "url_refused" },
        { "http://169.254.169.254/latest/meta-data/", "url_refused" },
        { "http://100.64.0.1/", "url_refused" },
        { "http://100.127.255.254/", "url_refused" },
        { "http://0.0.0.0/", "url_refused" },
        { "http://224.0.0.1/", "url_refused" },
        { "http://239.255.255.250/", "url_refused" },
        { "http://255.255.255.255/", "url_refused" },
        { "http://198.18.0.1/", "url_refused" },
        { "http://[::1]/", "url_refused" },
        { "http://[::]/", "url_refused" },
        { "http://[fe80::1]/", "url_refused" },
        { "http://[fc00::1]/", "url_refused" },
        { "http://[fd12:3456::1]/", "url_refused" },
        { "http://[ff02::1]/", "url_refused" },
        // IPv4 hidden in IPv6: mapped, NAT64, 6to4, Teredo, compatible.
        { "http://[::ffff:127.0.0.1]/", "url_refused" },
        { "http://[::ffff:7f00:1]/", "url_refused" },
        { "http://[::ffff:93.184.216.34]/", "url_refused" },
        { "http://[64:ff9b::7f00:1]/", "url_refused" },
        { "http://[64:ff9b::a00:1]/", "url_refused" },
        { "http://[2002:7f00:1::1]/", "url_refused" },
        { "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "url_refused" },
        { "http://[::127.0.0.1]/", "url_refused" },
        // Odd spellings of 127.0.0.1 that resolvers accept.
        { "http://0x7f.1/", "url_refused" },
        { "http://0x7f000001/", "url_refused" },
        { "http://2130706433/", "url_refused" },
        { "http://0177.1/", "url_refused" },
        { "http://0177.0.0.1/", "url_refused" },
        { "http://127.1/", "url_refused" },
        { "http://127.0.1/", "url_refused" },
        { "http://017700000001/", "url_refused" },
        // Names that resolve to a refused address: any one refused address refuses the host.
        { "http://mixed.example/", "url_refused" },
        { "http://rebind.example/", "url_refused" },
        { "http://no-such-host.example/", "fetch_failed" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public async Task Urls_are_allowed_or_refused_as_the_table_says(string url, string? expectedCode)
    {
        var guard = new UrlGuard(FetchAllowList.Empty, Resolve);
        var error = await Record.ExceptionAsync(() => guard.CheckAsync(url, CancellationToken.None));
        Assert.Equal(expectedCode, (error as ServiceException)?.Error.Code);
        if (expectedCode is null)
        {
            Assert.Null(error);
        }
    }

    [Theory]
    [InlineData("127.0.0.1:8080", "http://127.0.0.1:8080/x", true)]
    [InlineData("127.0.0.1", "http://localhost/x", false)]
    [InlineData("10.0.0.0/8", "http://10.9.8.7/x", true)]
    [InlineData("10.0.0.0/8", "http://192.168.0.1/x", false)]
    [InlineData("intranet.corp", "http://intranet.corp/x", true)]
    [InlineData("127.0.0.0/8, ::1", "http://[::1]/x", true)]
    [InlineData("127.0.0.1", "http://2130706433/x", false)]
    public async Task The_operator_allow_list_opens_only_what_it_names(string allow, string url, bool allowed)
    {
        var guard = new UrlGuard(new FetchAllowList(allow), Resolve);
        var error = await Record.ExceptionAsync(() => guard.CheckAsync(url, CancellationToken.None));
        Assert.Equal(allowed, error is null);
    }
}
