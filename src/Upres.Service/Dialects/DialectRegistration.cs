using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Upres.Service.Dialects.HitPaw;
using Upres.Service.Dialects.KieAi;
using Upres.Service.Dialects.Kokoon;
using Upres.Service.Dialects.Mingyan;
using Upres.Service.Jobs;
using Upres.Service.Webhooks;

namespace Upres.Service.Dialects;

/// The calls the service startup makes: services.AddUpresDialects() next to the core's services,
/// app.UseDoorErrors() early in the pipeline (so refusals made before a door's handler speak the
/// vendor's language), and app.MapUpresDialects() next to the native API's groups (each door
/// authenticates with its own header).
public static class DialectRegistration
{
    public static IServiceCollection AddUpresDialects(this IServiceCollection services)
    {
        services.AddOptions<DialectOptions>().BindConfiguration("").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DialectInputs>();
        services.AddSingleton<IIntakeRules, HitPawIntakeRules>();
        services.AddSingleton<IIntakeRules, KieIntakeRules>();
        services.AddSingleton<IIntakeRules, KokoonIntakeRules>();
        services.AddSingleton<IIntakeRules, MingyanIntakeRules>();
        services.AddSingleton<IWebhookPayloadFormatter, KieCallbackFormatter>();
        services.AddSingleton<IWebhookPayloadFormatter, HitPawWebhookFormatter>();
        services.AddSingleton<KieHmacKeys>();
        services.AddSingleton<IWebhookHeaderSigner, KieCallbackSigner>();
        services.AddSingleton<KokoonViews>();
        return services;
    }

    public static IEndpointRouteBuilder MapUpresDialects(this IEndpointRouteBuilder app)
    {
        app.MapMingyan();
        app.MapKokoon();
        app.MapKieAi();
        app.MapHitPaw();
        app.MapKieHmacKey();
        return app;
    }
}
