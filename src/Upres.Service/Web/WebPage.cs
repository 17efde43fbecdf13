using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Upres.Service.Web;

/// A single page at / to try the service: key, upload, create, watch progress, download.
public static class WebPage
{
    public static IEndpointRouteBuilder MapWebPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => TypedResults.Content(Html, "text/html; charset=utf-8")).ExcludeFromDescription();
        return app;
    }

    private static string Html => field ??= LoadHtml();

    private static string LoadHtml()
    {
        using var stream = typeof(WebPage).Assembly.GetManifestResourceStream("Upres.Service.Web.index.html")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
