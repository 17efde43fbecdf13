using System.Collections;
using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Upres.Web.Tests.Infrastructure;

/// One test's world: a fresh `upres serve`, headless Chromium on the page, and a scratch folder.
/// Disposal closes the browser, stops the server and then fails the test if any process either of
/// them started is still alive, or if the page asked anything of a host other than the server.
public sealed class Studio : IAsyncDisposable
{
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private readonly string _marker;
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly ConcurrentQueue<string> _externalRequests = new();
    private readonly ConcurrentQueue<string> _pageErrors = new();

    private Studio(string marker, UpresServe server, IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page, string scratch)
    {
        _marker = marker;
        Server = server;
        _playwright = playwright;
        _browser = browser;
        Context = context;
        Page = page;
        Scratch = scratch;
    }

    public UpresServe Server { get; }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// A folder for this test's clips and downloads, deleted at the end.
    public string Scratch { get; }

    public static string ScreenshotsDirectory { get; } = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");

    public static async Task<Studio> StartAsync(ViewportSize? viewport = null, ColorScheme colorScheme = ColorScheme.Light)
    {
        var marker = Guid.NewGuid().ToString("N");
        var scratch = Path.Combine(Path.GetTempPath(), $"upres-web-scratch-{marker}");
        Directory.CreateDirectory(scratch);
        var server = await UpresServe.StartAsync(marker);
        IPlaywright? playwright = null;
        try
        {
            playwright = await Playwright.CreateAsync();
            var env = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
            env[ProcessLeaks.MarkerVariable] = marker;
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium.ExecutablePath,
                Headless = true,
                Env = env,
                Args = ["--disable-gpu", "--autoplay-policy=no-user-gesture-required"],
            });
            var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = server.BaseAddress.ToString(),
                ViewportSize = viewport ?? Desktop,
                ColorScheme = colorScheme,
                AcceptDownloads = true,
            });
            context.SetDefaultTimeout(30_000);
            var page = await context.NewPageAsync();
            var studio = new Studio(marker, server, playwright, browser, context, page, scratch);
            context.Request += (_, r) =>
            {
                if (Uri.TryCreate(r.Url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" or "ws" or "wss" && u.Host != server.BaseAddress.Host)
                {
                    studio._externalRequests.Enqueue(r.Url);
                }
            };
            page.PageError += (_, e) => studio._pageErrors.Enqueue(e);
            return studio;
        }
        catch
        {
            playwright?.Dispose();
            await server.DisposeAsync();
            throw;
        }
    }

    /// Requests to anything but the server: the page must work from the server alone.
    public IReadOnlyList<string> ExternalRequests => [.. _externalRequests];

    /// Uncaught script errors on the page.
    public IReadOnlyList<string> PageErrors => [.. _pageErrors];

    public async Task ScreenshotAsync(string name, bool fullPage = true)
    {
        Directory.CreateDirectory(ScreenshotsDirectory);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotsDirectory, $"{name}.png"), FullPage = fullPage });
    }

    /// The same screen at desktop and phone width, light and dark (the theme is switched the way a
    /// visitor does, with the page's own button), then back to how it was.
    public async Task ScreenshotEveryWayAsync(string screen)
    {
        var original = Page.ViewportSize!;
        var startDark = await IsDarkAsync();
        foreach (var (size, label) in new[] { (Desktop, "desktop"), (Phone, "phone") })
        {
            await Page.SetViewportSizeAsync(size.Width, size.Height);
            foreach (var _ in new[] { 0, 1 })
            {
                await Page.WaitForTimeoutAsync(150);
                await ScreenshotAsync($"{screen}-{label}-{(await IsDarkAsync() ? "dark" : "light")}");
                await Page.ClickAsync("#theme");
            }
        }

        await Page.SetViewportSizeAsync(original.Width, original.Height);
        if (await IsDarkAsync() != startDark)
        {
            await Page.ClickAsync("#theme");
        }
    }

    private Task<bool> IsDarkAsync() => Page.EvaluateAsync<bool>("() => document.documentElement.dataset.theme === 'dark'");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Context.CloseAsync();
            await _browser.CloseAsync();
        }
        finally
        {
            _playwright.Dispose();
            await Server.DisposeAsync();
            try
            {
                Directory.Delete(Scratch, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        await ProcessLeaks.AssertGoneAsync(_marker, TimeSpan.FromSeconds(10));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Upres.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Upres.slnx above {AppContext.BaseDirectory}");
    }
}
