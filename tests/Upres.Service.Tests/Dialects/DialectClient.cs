using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests.Dialects;

/// Sends requests the way a vendor's client does: raw JSON text and the vendor's own auth header.
public static class DialectClient
{
    public static async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(
        this UpresTestServer server, HttpMethod method, string path, string? json, params (string Name, string Value)[] headers)
    {
        using var client = server.Client();
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    public static async Task<(int Width, int Height, double Fps, double Duration, bool Audio)> DownloadAndProbeAsync(this UpresTestServer server, string url)
    {
        using var anonymous = new HttpClient();
        var bytes = await anonymous.GetByteArrayAsync(url);
        var path = Path.Combine(server.DataDirectory, $"download-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(path, bytes);
        return Clips.Probe(path);
    }

    public static async Task<long> AvailableAsync(this HttpClient native)
    {
        var me = await (await native.GetAsync("/v1/account")).ReadObjectAsync();
        return (long)me["account"]!["available"]!;
    }

    public static async Task<long> BalanceAsync(this HttpClient native)
    {
        var me = await (await native.GetAsync("/v1/account")).ReadObjectAsync();
        return (long)me["account"]!["balance"]!;
    }
}
