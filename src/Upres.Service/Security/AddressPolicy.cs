using System.Net;
using System.Net.Sockets;

namespace Upres.Service.Security;

/// Which IP addresses an outbound fetch may connect to: public unicast only, unless the operator's
/// allow-list names the address. Embedded IPv4 forms (IPv4-mapped, NAT64, 6to4, Teredo) are judged by
/// the IPv4 address they carry, and refused outright when that cannot be known.
public static class AddressPolicy
{
    private static readonly (IPAddress Network, int Prefix)[] BlockedV4 = Parse(
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
        "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
        "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32");

    private static readonly (IPAddress Network, int Prefix)[] BlockedV6 = Parse(
        "::/128", "::1/128", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/32", "2001:db8::/32",
        "2002::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8", "::/96");

    private static readonly (IPAddress Network, int Prefix)[] PrivateUnicast = Parse(
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7");

    /// Null when allowed, else the reason. `nameAllowed`: the host name is on the allow-list for this
    /// port, which opens private unicast addresses (never loopback, link-local, unspecified, multicast).
    public static string? Refusal(IPAddress address, FetchAllowList allow, int port, bool nameAllowed = false)
    {
        if (allow.Allows(address, port))
        {
            return null;
        }

        if (nameAllowed && !address.IsIPv4MappedToIPv6 && (address.AddressFamily != AddressFamily.InterNetworkV6 || address.ScopeId == 0)
            && PrivateUnicast.Any(n => InNetwork(address, n.Network, n.Prefix)))
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return "IPv4-mapped IPv6 addresses are refused";
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.ScopeId != 0)
            {
                return "scoped IPv6 addresses are refused";
            }

            foreach (var (network, prefix) in BlockedV6)
            {
                if (InNetwork(address, network, prefix))
                {
                    return $"{address} is in the reserved range {network}/{prefix}";
                }
            }

            return null;
        }

        foreach (var (network, prefix) in BlockedV4)
        {
            if (InNetwork(address, network, prefix))
            {
                return $"{address} is in the reserved range {network}/{prefix}";
            }
        }

        return null;
    }

    public static bool InNetwork(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        var fullBytes = prefix / 8;
        for (var i = 0; i < fullBytes; i++)
        {
            if (a[i] != n[i])
            {
                return false;
            }
        }

        var rest = prefix % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (a[fullBytes] & mask) == (n[fullBytes] & mask);
    }

    internal static (IPAddress, int)[] Parse(params string[] cidrs) => [.. cidrs.Select(ParseCidr)];

    internal static (IPAddress, int) ParseCidr(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var ip = IPAddress.Parse(slash < 0 ? cidr : cidr[..slash]);
        var prefix = slash < 0 ? (ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128) : int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return (ip, prefix);
    }
}
