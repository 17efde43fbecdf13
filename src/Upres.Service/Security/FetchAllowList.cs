using System.Globalization;
using System.Net;

namespace Upres.Service.Security;

/// An operator allow-list (UPRES_FETCH_ALLOW for input fetches, UPRES_WEBHOOK_ALLOW for webhooks):
/// comma-, space- or semicolon-separated entries that may be reached although private. An entry
/// is a host name, an address or a CIDR, optionally with a port (`media.intranet:8443`,
/// `10.0.0.0/8:443`, `[fd00::/8]:8080`) or `:*` for any port; without a port it opens 80 and 443
/// only. A host name opens private unicast addresses for that name (RFC 1918, CGNAT, unique local)
/// but never loopback, link-local (cloud metadata), unspecified or multicast: those need an
/// address or CIDR entry of their own. Empty by default.
public sealed class FetchAllowList
{
    private static readonly int[] DefaultPorts = [80, 443];

    private readonly List<(string Host, int[]? Ports)> _hosts = [];
    private readonly List<(IPAddress Network, int Prefix, int[]? Ports)> _networks = [];

    public FetchAllowList(string? spec)
    {
        foreach (var entry in (spec ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (target, ports) = SplitPort(entry);
            var ipPart = target.Split('/')[0];
            if (IPAddress.TryParse(ipPart, out _))
            {
                var (network, prefix) = AddressPolicy.ParseCidr(target);
                _networks.Add((network, prefix, ports));
            }
            else
            {
                _hosts.Add((target.TrimEnd('.'), ports));
            }
        }
    }

    public static FetchAllowList Empty { get; } = new(null);

    public bool AllowsHost(string host, int port) =>
        _hosts.Any(h => string.Equals(h.Host, host.TrimEnd('.'), StringComparison.OrdinalIgnoreCase) && Opens(h.Ports, port));

    /// Exact families only: an IPv4-mapped IPv6 spelling of an allowed IPv4 address is not allowed.
    public bool Allows(IPAddress address, int port) =>
        _networks.Any(n => AddressPolicy.InNetwork(address, n.Network, n.Prefix) && Opens(n.Ports, port));

    private static bool Opens(int[]? ports, int port) => ports is null || (ports.Length == 0 ? DefaultPorts : ports).Contains(port);

    /// null ports = any (`:*`); empty = the defaults.
    private static (string Target, int[]? Ports) SplitPort(string entry)
    {
        string target;
        string? port = null;
        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"'{entry}' has no closing ']'");
            }

            target = entry[1..close];
            if (close + 1 < entry.Length)
            {
                port = entry[(close + 1)..].StartsWith(':') ? entry[(close + 2)..] : throw new FormatException($"'{entry}': expected ':port' after ']'");
            }
        }
        else if (entry.Count(c => c == ':') == 1)
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            target = entry[..colon];
            port = entry[(colon + 1)..];
        }
        else
        {
            // Plain IPv6 (several colons) or no port at all.
            target = entry;
        }

        if (port is null)
        {
            return (target, []);
        }

        if (port == "*")
        {
            return (target, null);
        }

        return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536
            ? (target, [p])
            : throw new FormatException($"'{entry}': the port must be 1..65535 or *");
    }
}
