using System.Net;

namespace Upres.Service.Security;

/// UPRES_FETCH_ALLOW: comma- or space-separated host names and CIDRs (or single addresses) that
/// fetching may reach although they are private or loopback. Empty by default.
public sealed class FetchAllowList
{
    private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(IPAddress Network, int Prefix)> _networks = [];

    public FetchAllowList(string? spec)
    {
        foreach (var entry in (spec ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ipPart = entry.Split('/')[0];
            if (IPAddress.TryParse(ipPart, out _))
            {
                _networks.Add(AddressPolicy.ParseCidr(entry));
            }
            else
            {
                _hosts.Add(entry.TrimEnd('.'));
            }
        }
    }

    public static FetchAllowList Empty { get; } = new(null);

    public bool AllowsHost(string host) => _hosts.Contains(host.TrimEnd('.'));

    /// Exact families only: an IPv4-mapped IPv6 spelling of an allowed IPv4 address is not allowed.
    public bool Allows(IPAddress address)
    {
        return _networks.Any(n => AddressPolicy.InNetwork(address, n.Network, n.Prefix));
    }
}
