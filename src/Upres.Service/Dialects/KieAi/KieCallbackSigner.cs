using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Upres.Service.Webhooks;

namespace Upres.Service.Dialects.KieAi;

/// kie.ai's "Webhook HMAC signature verification": X-Webhook-Timestamp (Unix seconds) and
/// X-Webhook-Signature = base64(HMAC-SHA256(taskId + "." + timestamp, webhookHmacKey)), the key
/// taken as its UTF-8 text, as kie.ai's sample does.
public sealed class KieCallbackSigner(KieHmacKeys keys) : IWebhookHeaderSigner
{
    public string Dialect => KieDialect.Name;

    public async Task AddHeadersAsync(WebhookMessage message, long timestamp, HttpRequestHeaders headers, CancellationToken cancellationToken)
    {
        var taskId = TaskIdOf(message.Payload);
        if (taskId is null)
        {
            return;
        }

        var key = await keys.GetAsync(message.AccountId, cancellationToken);
        var ts = timestamp.ToString(CultureInfo.InvariantCulture);
        headers.TryAddWithoutValidation("X-Webhook-Timestamp", ts);
        headers.TryAddWithoutValidation("X-Webhook-Signature", Sign(taskId, ts, key));
    }

    public static string Sign(string taskId, string timestamp, string webhookHmacKey) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(webhookHmacKey), Encoding.UTF8.GetBytes(taskId + "." + timestamp)));

    private static string? TaskIdOf(string payload)
    {
        using var doc = JsonDocument.Parse(payload);
        return doc.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
            && data.TryGetProperty("taskId", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
    }
}
