using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Upres.Service.Hosting;

namespace Upres.Service.Tests.Infrastructure;

/// A real Kestrel server on 127.0.0.1 with a random free port and its own data folder (and SQLite file).
public sealed class UpresTestServer : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-4f9c2b7e1d8a6035";

    private UpresTestServer(WebApplication app, string dataDirectory, Uri baseAddress)
    {
        App = app;
        DataDirectory = dataDirectory;
        BaseAddress = baseAddress;
        Admin = Client(AdminKey);
    }

    public WebApplication App { get; }

    public string DataDirectory { get; }

    public Uri BaseAddress { get; }

    public HttpClient Admin { get; }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<UpresTestServer> StartAsync(
        IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        string? dataDirectory = null)
    {
        dataDirectory ??= TempDirectory.Create("upres-test");
        var config = new Dictionary<string, string?>
        {
            ["UPRES_DATA"] = dataDirectory,
            ["UPRES_ADMIN_KEY"] = AdminKey,
            ["UPRES_POLL_MS"] = "50",
            // Tests poll fast; the rate-limit test sets its own limit.
            ["UPRES_RATE_LIMIT_PER_MINUTE"] = "100000",
            ["urls"] = "http://127.0.0.1:0",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            config[k] = v;
        }

        var app = UpresServer.Build([], builder =>
        {
            foreach (var (k, v) in config)
            {
                builder.Configuration[k] = v;
            }

            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new UpresTestServer(app, dataDirectory, new Uri(address));
    }

    public HttpClient Client(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// Creates an account with credits and a key; returns the account id and a client using the key.
    public async Task<(string AccountId, HttpClient Client, string Key)> CreateAccountAsync(long credits = 1000, string name = "test")
    {
        var response = await Admin.PostAsJsonAsync("/v1/admin/accounts", new { name, credits });
        response.EnsureSuccessStatusCode();
        var account = await response.Content.ReadFromJsonAsync<JsonObject>();
        var id = (string)account!["id"]!;
        var keyResponse = await Admin.PostAsync($"/v1/admin/accounts/{id}/keys", null);
        keyResponse.EnsureSuccessStatusCode();
        var key = (string)(await keyResponse.Content.ReadFromJsonAsync<JsonObject>())!["key"]!;
        return (id, Client(key), key);
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class Json
{
    public static async Task<JsonObject> ReadObjectAsync(this HttpResponseMessage response)
        => JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
