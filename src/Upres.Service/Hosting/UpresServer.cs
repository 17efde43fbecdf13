using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace Upres.Service.Hosting;

/// The service's one entry point, used by `upres serve` and by the tests.
public static class UpresServer
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// Builds the app: configuration from args and UPRES_* variables, services, endpoints.
    /// `configure` runs last on the builder (tests put their data folder and fakes there).
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        builder.Configuration.AddEnvironmentVariables();
        builder.AddUpresServices();
        configure?.Invoke(builder);

        // --urls wins over UPRES_URLS, which wins over the loopback default.
        var urls = builder.Configuration["urls"];
        if (string.IsNullOrEmpty(urls))
        {
            urls = builder.Configuration["UPRES_URLS"];
        }

        builder.WebHost.UseUrls(string.IsNullOrEmpty(urls) ? DefaultUrls : urls);

        var app = builder.Build();
        app.UseUpres();
        return app;
    }

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        await using var app = Build(args);
        await app.RunAsync(cancellationToken);
        return 0;
    }
}
