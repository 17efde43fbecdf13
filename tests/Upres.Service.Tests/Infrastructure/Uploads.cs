using System.Net.Http.Headers;

namespace Upres.Service.Tests.Infrastructure;

public static class Uploads
{
    public static async Task<HttpResponseMessage> UploadAsync(this HttpClient client, string path, string field = "file", string url = "/v1/uploads")
    {
        using var content = new MultipartFormDataContent();
        var file = new StreamContent(File.OpenRead(path));
        file.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        content.Add(file, field, Path.GetFileName(path));
        return await client.PostAsync(url, content);
    }

    public static async Task<string> UploadIdAsync(this HttpClient client, string path)
    {
        var response = await client.UploadAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"upload failed: {(int)response.StatusCode} {body}");
        }

        return (string)System.Text.Json.Nodes.JsonNode.Parse(body)!["id"]!;
    }
}
