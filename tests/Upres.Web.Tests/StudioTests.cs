using Microsoft.Playwright;
using Upres.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Upres.Web.Tests;

/// A person who has just run `upres serve` gets from the admin key to a compared, downloaded
/// upscale on the page alone, in a real Chromium against a real server.
[Collection("browser")]
public sealed class StudioTests
{
    [BrowserFact]
    public async Task A_new_user_signs_in_with_the_admin_key_upscales_a_clip_compares_it_and_downloads_it()
    {
        await using var studio = await Studio.StartAsync();
        var page = studio.Page;
        var clip = Clips.Make(studio.Scratch, "holiday.mp4", seconds: 1);

        await page.GotoAsync("/");
        await studio.ScreenshotEveryWayAsync("signin");
        await studio.SignInWithAdminKeyAsync();
        await Expect(page.Locator("#who")).ToHaveTextAsync("me · 1000 credits");
        Assert.True(await page.EvaluateAsync<bool>("() => sessionStorage.getItem('upres.key').startsWith('upr_')"));
        Assert.DoesNotContain("upr_", page.Url, StringComparison.Ordinal);

        // The first upload's connection drops; the page offers a retry, which goes through.
        var attempts = 0;
        await page.RouteAsync("**/v1/uploads", async route =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                await route.AbortAsync("connectionreset");
            }
            else
            {
                await route.FallbackAsync();
            }
        });
        await studio.ChooseFileAsync(clip);
        await Expect(page.GetByText("The connection dropped during the upload.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Retry upload" }).ClickAsync();
        await studio.WaitForQuoteAsync();
        await Expect(page.Locator("#source-facts")).ToContainTextAsync("128×128 · 5 fps · 0:01.0");
        Assert.Equal(2, attempts);
        // An <img> with no src yet is also "complete": wait for the strip's own pixels.
        await page.WaitForFunctionAsync("() => { const i = document.getElementById('strip'); return !!i.getAttribute('src') && i.complete && i.naturalWidth > 0; }");

        // Plain-word choices: animation at 2x; the price, the estimate and the balance come before starting.
        await page.GetByText("Animation", new() { Exact = true }).ClickAsync();
        await Expect(page.Locator("#model-about")).ToContainTextAsync("animation");
        await Expect(page.Locator("#q-output")).ToContainTextAsync("256×256");
        await Expect(page.Locator("#q-price")).ToHaveTextAsync("1 credit");
        await Expect(page.Locator("#q-balance")).ToHaveTextAsync("1000 credits");
        await Expect(page.Locator("#q-time")).Not.ToHaveTextAsync("–");
        await studio.ScreenshotEveryWayAsync("new");

        await page.GetByRole(AriaRole.Button, new() { Name = "Start upscaling" }).ClickAsync();
        await studio.WaitForStateAsync("Upscaling", 120_000);
        await Expect(page.Locator("#p-frames")).ToContainTextAsync("of 5");
        await Expect(page.Locator("#log")).ToContainTextAsync("Started upscaling.");
        await studio.ScreenshotAsync("progress-desktop-light");
        await studio.WaitForStateAsync("Done");
        await Expect(page.Locator("#log")).ToContainTextAsync("1 credit charged");

        // Before and after: the same frame from both sides, the divider moved by pointer and keys, zoom to pixels.
        await Expect(page.Locator("#cmp-after")).ToHaveJSPropertyAsync("naturalWidth", 256);
        await Expect(page.Locator("#cmp-before")).ToHaveJSPropertyAsync("naturalWidth", 128);
        var box = (await page.Locator("#cmp-stage").BoundingBoxAsync())!;
        await page.Mouse.ClickAsync(box.X + box.Width * 0.25f, box.Y + box.Height / 2f);
        await Expect(page.GetByLabel("Divider", new() { Exact = true })).ToHaveValueAsync("25");
        await page.Locator("#cmp").FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(page.GetByLabel("Divider", new() { Exact = true })).ToHaveValueAsync("27");
        await page.GetByRole(AriaRole.Button, new() { Name = "8×" }).ClickAsync();
        Assert.InRange((await page.Locator("#cmp-stage").BoundingBoxAsync())!.Width, 256 * 8 - 1f, 256 * 8 + 1f);
        Assert.Equal("pixelated", await page.Locator("#cmp-after").EvaluateAsync<string>("i => getComputedStyle(i).imageRendering"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Fit" }).ClickAsync();

        // Both videos play together.
        await Expect(page.Locator("#v-after")).ToHaveJSPropertyAsync("readyState", 4, new() { Timeout = 30_000 });
        await Expect(page.Locator("#v-before")).Not.ToHaveJSPropertyAsync("readyState", 0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Play both" }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('v-after').currentTime > 0.3 || document.getElementById('v-after').ended");
        var drift = await page.EvaluateAsync<double>("() => Math.abs(document.getElementById('v-before').currentTime - document.getElementById('v-after').currentTime)");
        Assert.True(drift < 0.35, $"the two videos drifted {drift:0.00} s apart");
        await page.EvaluateAsync("() => { for (const v of document.querySelectorAll('video')) { v.pause(); v.currentTime = 0.5; } }");

        await Expect(page.Locator("#numbers")).ToContainTextAsync("Credits charged1 credit");
        await Expect(page.Locator("#numbers")).ToContainTextAsync("Frames5");
        await Expect(page.Locator("#download-expiry")).ToContainTextAsync("The link works until");
        await Expect(page.Locator("#history-list li")).ToHaveCountAsync(1);
        await Expect(page.Locator("#history-list")).ToContainTextAsync("Done");
        await studio.ScreenshotEveryWayAsync("result");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { NameRegex = new("^Download 256×256") }).ClickAsync());
        var saved = Path.Combine(studio.Scratch, "downloaded.mp4");
        await download.SaveAsAsync(saved);
        var probe = Clips.Probe(saved);
        Assert.Equal((256, 256, "h264"), (probe.Width, probe.Height, probe.Codec));
        Assert.InRange(probe.Duration, 0.9, 1.3);

        Assert.Empty(studio.PageErrors);
        Assert.Empty(studio.ExternalRequests);
    }

    [BrowserFact]
    public async Task At_phone_width_in_dark_a_past_job_runs_again_with_its_settings_and_every_control_has_a_name()
    {
        await using var studio = await Studio.StartAsync(Studio.Phone, ColorScheme.Dark);
        var page = studio.Page;
        await studio.SignInWithAdminKeyAsync("Ada");
        Assert.Equal("dark", await page.EvaluateAsync<string>("() => document.documentElement.dataset.theme"));

        // Keyboard: the file chooser is the first stop after the page's start.
        await page.Locator("#main").FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("file", await page.EvaluateAsync<string>("() => document.activeElement?.id"));

        await studio.ChooseFileAsync(Clips.Make(studio.Scratch, "clip.mp4", seconds: 2));
        await studio.WaitForQuoteAsync();

        // 4x, a trimmed second, medium noise removal, WebM.
        await page.Locator(".targets").GetByText("4×", new() { Exact = true }).ClickAsync();
        await page.GetByLabel("Trim start (seconds)").SetRangeAsync(0.5);
        await page.GetByLabel("Trim end (seconds)").SetRangeAsync(1.5);
        await Expect(page.Locator("#trim-text")).ToHaveTextAsync("From 0:00.5 to 0:01.5 (1.0 s)");
        await page.GetByText("Clean-up and output").ClickAsync();
        await page.GetByLabel("Noise removal").SelectOptionAsync("2");
        await page.GetByLabel("File", new() { Exact = true }).SelectOptionAsync("webm-vp9");
        // Interpolating to 60 fps is quoted at 60 fps (and priced there); back to the source's rate.
        await page.GetByLabel("Frame rate", new() { Exact = true }).SelectOptionAsync("fps:60");
        await Expect(page.Locator("#q-output")).ToContainTextAsync("512×512 · 60 fps · 0:01.0");
        await page.GetByLabel("Frame rate", new() { Exact = true }).SelectOptionAsync("");
        await Expect(page.Locator("#q-output")).ToContainTextAsync("512×512 · 5 fps · 0:01.0");

        var unnamed = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('input, select, button, a[href], textarea, video, [tabindex]:not([tabindex="-1"])')]
              .filter(el => !el.closest('[hidden]'))
              .filter(el => {
                const labelled = el.labels && [...el.labels].some(l => l.textContent.trim());
                const own = (el.getAttribute('aria-label') || el.getAttribute('title') || '').trim();
                const text = ['BUTTON', 'A'].includes(el.tagName) && el.textContent.trim();
                return !(labelled || own || text || el.getAttribute('aria-labelledby'));
              })
              .map(el => el.outerHTML.slice(0, 120))
            """);
        Assert.Empty(unnamed);

        await page.GetByRole(AriaRole.Button, new() { Name = "Start upscaling" }).ClickAsync();
        await studio.WaitForStateAsync("Done");
        await Expect(page.Locator("#cmp-after")).ToHaveJSPropertyAsync("naturalWidth", 512);
        await studio.ScreenshotAsync("result-phone-dark-webm");

        // Run again from the history: the same input and settings come back into the form.
        await page.Locator("#source-change").ClickAsync();
        await page.Locator(".targets").GetByText("2×", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Run job .* again") }).ClickAsync();
        await Expect(page.Locator("#source-name")).ToHaveTextAsync("clip.mp4");
        await Expect(page.Locator("input[name=target][value='4x']")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("File", new() { Exact = true })).ToHaveValueAsync("webm-vp9");
        await Expect(page.GetByLabel("Noise removal")).ToHaveValueAsync("2");
        await Expect(page.Locator("#trim-text")).ToHaveTextAsync("From 0:00.5 to 0:01.5 (1.0 s)");
        await Expect(page.Locator("#q-output")).ToContainTextAsync("512×512 · 5 fps · 0:01.0");
        await studio.ScreenshotAsync("rerun-phone-dark");

        Assert.Empty(studio.PageErrors);
        Assert.Empty(studio.ExternalRequests);
    }
}
