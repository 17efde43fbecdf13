using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using Upres.Service.Data;
using Upres.Service.Hosting;

namespace Upres.Service.Storage;

public sealed record ResultLink(Uri Url, DateTimeOffset ExpiresAt);

/// Signed, expiring download links: /v1/results/{jobId}?expires=UNIX&sig=HMAC. The key lives in the
/// database so every worker on a shared database signs and checks alike.
public sealed class ResultLinks(IUpresDatabase db, PublicBaseUrl baseUrl, IOptions<UpresOptions> options, TimeProvider clock)
{
    private byte[]? _key;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var candidate = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO settings (key, value) VALUES ('result_link_key', @candidate) ON CONFLICT DO NOTHING", new { candidate }, cancellationToken: cancellationToken));
        var value = await c.ExecuteScalarAsync<string>(new CommandDefinition("SELECT value FROM settings WHERE key = 'result_link_key'", cancellationToken: cancellationToken));
        _key = Convert.FromBase64String(value!);
    }

    public ResultLink Create(string jobId, DateTimeOffset? finishedAt = null)
    {
        var expires = clock.GetUtcNow() + options.Value.ResultLinkLifetime;
        var unix = expires.ToUnixTimeSeconds();
        var url = new Uri(baseUrl.Get(), $"v1/results/{Uri.EscapeDataString(jobId)}?expires={unix.ToString(CultureInfo.InvariantCulture)}&sig={Sign(jobId, unix)}");
        return new ResultLink(url, DateTimeOffset.FromUnixTimeSeconds(unix));
    }

    /// A signature for any other file the service hands out by link (kokoon's originals and their
    /// thumbnails). Subjects contain ':', which job ids never do, so one cannot stand for the other.
    public (long Expires, string Signature) SignSubject(string subject, TimeSpan lifetime)
    {
        var unix = (clock.GetUtcNow() + lifetime).ToUnixTimeSeconds();
        return (unix, Sign(subject, unix));
    }

    public bool Verify(string jobId, long expires, string? signature)
    {
        if (signature is null || expires < clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(jobId, expires));
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// A link to the job's input for the page's side-by-side player (a video element cannot send the
    /// API key). Signed with a key derived for this purpose, so it never opens a result and vice versa.
    public ResultLink CreateInput(string jobId)
    {
        var expires = clock.GetUtcNow() + options.Value.ResultLinkLifetime;
        var unix = expires.ToUnixTimeSeconds();
        var url = new Uri(baseUrl.Get(), $"v1/inputs/{Uri.EscapeDataString(jobId)}?expires={unix.ToString(CultureInfo.InvariantCulture)}&sig={Sign(jobId, unix, InputKey)}");
        return new ResultLink(url, DateTimeOffset.FromUnixTimeSeconds(unix));
    }

    public bool VerifyInput(string jobId, long expires, string? signature)
        => signature is not null && expires >= clock.GetUtcNow().ToUnixTimeSeconds()
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(jobId, expires, InputKey)), Encoding.ASCII.GetBytes(signature));

    private byte[] ResultKey => _key ?? throw new InvalidOperationException("ResultLinks used before InitializeAsync");

    private byte[] InputKey => field ??= HMACSHA256.HashData(ResultKey, "input links"u8);

    private string Sign(string jobId, long expires) => Sign(jobId, expires, ResultKey);

    private static string Sign(string jobId, long expires, byte[] key)
    {
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{jobId}\n{expires.ToString(CultureInfo.InvariantCulture)}"));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
