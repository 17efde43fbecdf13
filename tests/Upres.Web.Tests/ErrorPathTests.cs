using Microsoft.Playwright;
using Upres.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Upres.Web.Tests;

/// Every refusal reaches the person as the sentence the API's problem document carries.
[Collection("browser")]
public sealed class ErrorPathTests
{
    [BrowserFact]
    public async Task A_wrong_api_key_or_admin_key_is_refused_in_words_and_nothing_is_kept()
    {
        await using var studio = await Studio.StartAsync();
        var page = studio.Page;
        await studio.SignInWithApiKeyAsync("upr_not-a-real-key");
        Assert.Equal("A valid API key is required. Send it as 'Authorization: Bearer KEY'.", await studio.AlertTextAsync());
        await Expect(page.Locator("#signin")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('upres.key')"));

        await page.GetByLabel("Admin key").FillAsync("upa_wrong");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#alert-text")).ToHaveTextAsync("The admin key is required.");
        await studio.ScreenshotAsync("error-bad-key-desktop-light");
        Assert.Empty(studio.PageErrors);
    }

    [BrowserFact]
    public async Task A_short_balance_is_shown_before_starting_and_the_refusal_says_why()
    {
        await using var studio = await Studio.StartAsync();
        var page = studio.Page;
        await studio.SignInWithApiKeyAsync(await studio.Server.CreateAccountKeyAsync("broke", credits: 0));
        await studio.ChooseFileAsync(Clips.Make(studio.Scratch, "clip.mp4", seconds: 1));
        await studio.WaitForQuoteAsync();
        await Expect(page.Locator("#q-note")).ToHaveTextAsync("You are 1 credit short.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start upscaling" }).ClickAsync();
        Assert.Equal("Not enough credits. This job costs 1 credits and the account has 0 available.", await studio.AlertTextAsync());
        await Expect(page.Locator("#job")).ToBeHiddenAsync();
        await studio.ScreenshotAsync("error-short-balance-desktop-light");
        Assert.Empty(studio.PageErrors);
    }

    [BrowserFact]
    public async Task A_file_that_is_not_a_video_is_refused_in_words()
    {
        await using var studio = await Studio.StartAsync();
        var page = studio.Page;
        await studio.SignInWithAdminKeyAsync();
        var notVideo = Path.Combine(studio.Scratch, "notes.mp4");
        await File.WriteAllTextAsync(notVideo, "these are my notes, not a video\n");
        await studio.ChooseFileAsync(notVideo);
        Assert.StartsWith("The input is not a supported video.", await studio.AlertTextAsync(), StringComparison.Ordinal);
        await Expect(page.Locator("#drop")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start upscaling" })).ToBeDisabledAsync();
        Assert.Empty(studio.PageErrors);
    }

    [BrowserFact]
    public async Task A_job_cancelled_while_it_runs_stops_says_so_and_gives_the_credits_back()
    {
        await using var studio = await Studio.StartAsync();
        var page = studio.Page;
        await studio.SignInWithAdminKeyAsync();
        await studio.ChooseFileAsync(Clips.Make(studio.Scratch, "long.mp4", seconds: 10, fps: 10));
        await studio.WaitForQuoteAsync();
        // The large model at 4x: far too slow to finish before the cancel.
        await page.GetByText("Pick a model").ClickAsync();
        await page.GetByLabel("Model", new() { Exact = true }).SelectOptionAsync("realesrgan-x4plus");
        await page.Locator(".targets").GetByText("4×", new() { Exact = true }).ClickAsync();
        await Expect(page.Locator("#q-output")).ToContainTextAsync("512×512");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start upscaling" }).ClickAsync();
        await studio.WaitForStateAsync("Upscaling", 120_000);
        await Expect(page.Locator("#who")).Not.ToHaveTextAsync("me · 1000 credits");

        // The cancel's answer ("processing", cancel requested) is held back until the event stream has
        // said "cancelled", the order CI once met: the late answer must not bring the job back.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var heldAnswer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/cancel", async route =>
        {
            var answer = await route.FetchAsync();
            heldAnswer.TrySetResult(await answer.TextAsync());
            await release.Task;
            await route.FulfillAsync(new() { Response = answer });
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel job" }).ClickAsync();
        var held = await heldAnswer.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Contains("\"cancel_requested\":true", held, StringComparison.Ordinal);
        await studio.WaitForStateAsync("Cancelled", 60_000);
        await page.RunAndWaitForRequestFinishedAsync(() => { release.SetResult(); return Task.CompletedTask; },
            new() { Predicate = r => r.Url.EndsWith("/cancel", StringComparison.Ordinal) });
        // Two turns of the page's event loop: the answer's JSON is read and handed to the page.
        await page.EvaluateAsync("() => new Promise(r => setTimeout(() => setTimeout(r, 50), 50))");
        await studio.WaitForStateAsync("Cancelled", 1_000);
        await Expect(page.Locator("#log")).ToContainTextAsync("Cancelled. The reserved credits were released.");
        await Expect(page.Locator("#who")).ToHaveTextAsync("me · 1000 credits");
        await Expect(page.Locator("#history-list")).ToContainTextAsync("Cancelled");
        await Expect(page.Locator("#cancel")).ToBeHiddenAsync();
        await studio.ScreenshotAsync("cancelled-desktop-light");
        Assert.Empty(studio.PageErrors);
    }
}
