using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Upres.Service.Storage;

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
        // One line per request is noise for an operator; warnings and the startup lines stay.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
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
        try
        {
            await using var app = Build(args);
            StartupCheck.Validate(app.Services);
            EnsureAdminKey(app);
            await app.RunAsync(cancellationToken);
            return 0;
        }
        catch (Exception e) when (StartupCheck.Describe(e) is { } problems)
        {
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync($"error [invalid_setting]: {problem}");
            }

            return StartupCheck.BadSettingExitCode;
        }
    }

    /// A fresh install has no UPRES_ADMIN_KEY, and without one nobody could create the first
    /// account: so `serve` makes one on first start, keeps it in the data folder readable only by
    /// its owner, and says where it is (never the key itself, so it stays out of logs).
    private static void EnsureAdminKey(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<UpresOptions>>().Value;
        if (!string.IsNullOrEmpty(options.AdminKey))
        {
            return;
        }

        OwnerOnly.CreateDirectory(options.DataDirectory);
        var file = Path.Combine(options.DataDirectory, "admin.key");
        if (!File.Exists(file))
        {
            var key = "upa_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(file, create);
            using var writer = new StreamWriter(stream);
            writer.Write(key);
        }

        options.AdminKey = File.ReadAllText(file).Trim();
        app.Logger.LogWarning("UPRES_ADMIN_KEY is not set: the admin key is in {AdminKeyFile}", file);
    }
}
