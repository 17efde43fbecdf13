using System.Security.Cryptography;
using System.Text;

namespace Upres.Service.Webhooks;

/// Standard Webhooks: `webhook-signature: v1,BASE64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))`,
/// where the key is the base64 part of the account's `whsec_...` secret.
public static class WebhookSignature
{
    public static string Sign(string secret, string messageId, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{messageId}.{timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)}.{body}"));
        return "v1," + Convert.ToBase64String(mac);
    }

    /// Standard Webhooks carries several signatures space-separated: during a secret rotation the
    /// message is signed with the new secret and the old, so a receiver holding either accepts it.
    public static string SignWithEach(IEnumerable<string> secrets, string messageId, long timestamp, string body)
        => string.Join(' ', secrets.Select(s => Sign(s, messageId, timestamp, body)));

    /// For receivers (and tests): accepts any of the space-separated signatures.
    public static bool Verify(string secret, string messageId, string timestamp, string body, string signatureHeader)
    {
        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ts))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, messageId, ts, body));
        return signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected));
    }
}
