using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Upres.Service.Dialects.HitPaw;
using Upres.Service.Dialects.KieAi;
using Upres.Service.Dialects.Kokoon;
using Upres.Service.Dialects.Mingyan;
using Upres.Service.Webhooks;

namespace Upres.Service.Dialects;

/// The two calls the service startup makes: services.AddUpresDialects() next to the core's
/// services, and app.MapUpresDialects() next to the native API's groups (outside /v1 and its
/// Bearer filter: each dialect authenticates with its own header).
public static class DialectRegistration
{
    public static IServiceCollection AddUpresDialects(this IServiceCollection services)
    {
        services.AddOptions<DialectOptions>().BindConfiguration("");
        services.AddSingleton<DialectInputs>();
        services.AddSingleton<IWebhookPayloadFormatter, KieCallbackFormatter>();
        services.AddSingleton<IWebhookPayloadFormatter, HitPawWebhookFormatter>();
        return services;
    }

    public static IEndpointRouteBuilder MapUpresDialects(this IEndpointRouteBuilder app)
    {
        app.MapMingyan();
        app.MapKokoon();
        app.MapKieAi();
        app.MapHitPaw();
        return app;
    }
}
