using System.Security.Cryptography;
using System.Text;

namespace Upres.Service.Accounts;

/// Keys are 256 random bits, so a plain SHA-256 is enough: there is nothing to brute-force that a slow
/// password hash would protect, and every request can afford to hash.
public static class ApiKeyHash
{
    public static string Of(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
