namespace Upres.Service.Webhooks;

/// Picks the formatter for a job's dialect; the native one when a dialect registered none.
public sealed class WebhookPayloads(IEnumerable<IWebhookPayloadFormatter> formatters)
{
    private readonly Dictionary<string, IWebhookPayloadFormatter> _byDialect =
        formatters.GroupBy(f => f.Dialect, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    public IWebhookPayloadFormatter For(string dialect)
        => _byDialect.TryGetValue(dialect, out var f) ? f : _byDialect.TryGetValue("native", out var n) ? n : new NativeWebhookFormatter();
}
