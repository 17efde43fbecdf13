using Microsoft.Playwright;
using Upres.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Upres.Web.Tests;

[Collection("browser")]
public sealed class ApiReferenceTests
{
    [BrowserFact]
    public async Task The_api_reference_at_docs_renders_the_openapi_document_from_the_server_alone()
    {
        await using var studio = await Studio.StartAsync();
        var page = studio.Page;
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Contentinfo).GetByRole(AriaRole.Link, new() { Name = "API reference" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/docs/?$"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "get /v1/results/{id}" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await studio.ScreenshotAsync("docs-desktop-light", fullPage: false);
        Assert.Empty(studio.ExternalRequests);
    }
}
