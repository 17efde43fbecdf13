using Microsoft.Playwright;

namespace Upres.Web.Tests.Infrastructure;

/// What a person does on the page, step by step, with Playwright's auto-waiting assertions.
public static class PageSteps
{
    public static async Task SignInWithAdminKeyAsync(this Studio studio, string? name = null)
    {
        var page = studio.Page;
        await page.GotoAsync("/");
        await page.GetByLabel("Admin key").FillAsync(studio.Server.AdminKey);
        if (name is not null)
        {
            await page.GetByLabel("Your name").FillAsync(name);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#studio")).ToBeVisibleAsync();
    }

    public static async Task SignInWithApiKeyAsync(this Studio studio, string key)
    {
        var page = studio.Page;
        await page.GotoAsync("/");
        await page.GetByLabel("API key", new() { Exact = true }).FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();
    }

    public static async Task ChooseFileAsync(this Studio studio, string path)
        => await studio.Page.Locator("#file").SetInputFilesAsync(path);

    /// Waits for the upload to land and the price to be worked out.
    public static async Task WaitForQuoteAsync(this Studio studio)
    {
        await Assertions.Expect(studio.Page.Locator("#source")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(studio.Page.Locator("#q-price")).ToContainTextAsync("credit", new() { Timeout = 60_000 });
    }

    public static async Task WaitForStateAsync(this Studio studio, string words, int timeoutMs = 240_000)
        => await Assertions.Expect(studio.Page.Locator("#job-state")).ToHaveTextAsync(words, new() { Timeout = timeoutMs });

    /// Moves a slider as a drag would: the value, then `input` and `change` (Playwright cannot fill a range).
    public static async Task SetRangeAsync(this ILocator slider, double value)
        => await slider.EvaluateAsync("(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true })); }", value);

    public static async Task<string> AlertTextAsync(this Studio studio)
    {
        var alert = studio.Page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToBeVisibleAsync();
        return (await alert.Locator("#alert-text").InnerTextAsync()).Trim();
    }
}
