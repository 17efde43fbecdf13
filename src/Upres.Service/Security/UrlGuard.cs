using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Upres.Service.Problems;

namespace Upres.Service.Security;

/// Checks a URL before any connection: scheme, host spelling, and every address the host resolves
/// to. The connection itself is then pinned to a checked address (SafeHttp), so a second DNS answer
/// cannot move it (DNS rebinding).
public sealed class UrlGuard(FetchAllowList allow, Func<string, CancellationToken, Task<IPAddress[]>>? resolver = null)
{
    /// The service key of the guard for webhook destinations (UPRES_WEBHOOK_ALLOW); the unkeyed
    /// guard is for input fetches (UPRES_FETCH_ALLOW).
    public const string Webhooks = "webhooks";

    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve = resolver ?? ((host, ct) => Dns.GetHostAddressesAsync(host, ct));

    public FetchAllowList AllowList => allow;

    /// Parses and checks the form of a URL without resolving it. Throws ServiceException(url_refused).
    public static Uri ParseAndCheckForm(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 4096 || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new ServiceException(Errors.UrlRefused("Not an absolute URL."));
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ServiceException(Errors.UrlRefused("Only http and https URLs are fetched."));
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new ServiceException(Errors.UrlRefused("Credentials in URLs are not accepted."));
        }

        var original = HostAsWritten(url);
        if (LooksNumeric(original) && !IsCanonicalIp(original))
        {
            // 2130706433, 0x7f.1, 0177.1, 127.1: resolvers read these as addresses; refuse the trick.
            throw new ServiceException(Errors.UrlRefused($"The host '{original}' is an unusual spelling of an address."));
        }

        return uri;
    }

    /// The addresses a fetch may connect to for this host; throws when any resolved address is refused.
    public async Task<IPAddress[]> CheckHostAsync(string host, int port, CancellationToken cancellationToken)
    {
        host = host.Trim('[', ']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await _resolve(host, cancellationToken);
            }
            catch (SocketException e)
            {
                throw new ServiceException(Errors.FetchFailed($"The host '{host}' does not resolve ({e.SocketErrorCode})."));
            }
        }

        if (addresses.Length == 0)
        {
            throw new ServiceException(Errors.FetchFailed($"The host '{host}' does not resolve."));
        }

        // An allowed name still has every address checked: the name opens private unicast ranges, not
        // loopback or the metadata service, whatever its DNS says today.
        var nameAllowed = allow.AllowsHost(host, port);
        foreach (var address in addresses)
        {
            if (AddressPolicy.Refusal(address, allow, port, nameAllowed) is { } reason)
            {
                throw new ServiceException(Errors.UrlRefused($"The host '{host}' resolves to a refused address: {reason}."));
            }
        }

        return addresses;
    }

    public async Task<Uri> CheckAsync(string? url, CancellationToken cancellationToken)
    {
        var uri = ParseAndCheckForm(url);
        await CheckHostAsync(uri.IdnHost, uri.Port, cancellationToken);
        return uri;
    }

    private static string HostAsWritten(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var end = url.IndexOfAny(['/', '?', '#'], start);
        var authority = end < 0 ? url[start..] : url[start..end];
        authority = authority[(authority.LastIndexOf('@') + 1)..];
        if (authority.StartsWith('['))
        {
            return authority[..(authority.IndexOf(']', StringComparison.Ordinal) + 1)];
        }

        var colon = authority.LastIndexOf(':');
        return (colon < 0 ? authority : authority[..colon]).TrimEnd('.');
    }

    private static bool LooksNumeric(string host)
        => host.Length > 0 && !host.StartsWith('[') && host.Split('.').All(p => p.Length > 0 && (p.All(char.IsAsciiDigit) || p.StartsWith("0x", StringComparison.OrdinalIgnoreCase)));

    private static bool IsCanonicalIp(string host)
    {
        var parts = host.Split('.');
        return parts.Length == 4 && parts.All(p => p.All(char.IsAsciiDigit) && (p == "0" || !p.StartsWith('0'))
            && int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 255);
    }
}
