namespace Upres.Service.Webhooks;

/// What the per-destination limit counts: scheme, host and port of a webhook URL, lower case
/// (`https://hooks.example.com:443`). Paths and queries of one receiver share its slots.
public static class WebhookDestination
{
    public static string Of(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? $"{uri.Scheme}://{uri.IdnHost}:{uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}".ToLowerInvariant()
            : url.ToLowerInvariant();
}
