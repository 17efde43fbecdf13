using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Upres.Service.Accounts;

/// Keys are 256 random bits, so a plain SHA-256 is enough: there is nothing to brute-force that a slow
/// password hash would protect, and every request can afford to hash.
public static class ApiKeyHash
{
    private static readonly object ItemKey = new();

    public static string Of(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// The hash of the request's key, computed once per request (the rate limiter and authentication
    /// both need it).
    public static string ForRequest(HttpContext http, string key)
    {
        if (http.Items.TryGetValue(ItemKey, out var memo) && memo is (string k, string h) && string.Equals(k, key, StringComparison.Ordinal))
        {
            return h;
        }

        var hash = Of(key);
        http.Items[ItemKey] = (key, hash);
        return hash;
    }
}
