using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Upres.Service.Jobs;

namespace Upres.Service.Metrics;

public static class MetricsApi
{
    /// The meters /metrics exports: ours, and ASP.NET Core's, Kestrel's, HttpClient's and the runtime's.
    public static readonly string[] Meters =
    [
        UpresMetrics.MeterName,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "System.Net.Http",
        "System.Runtime",
    ];

    public static IServiceCollection AddUpresMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(Meters)
            .ConfigureMeterScope()
            .AddPrometheusExporter(o =>
            {
                // Every scrape is fresh: job counts are read for it, and tests scrape right after a change.
                o.ScrapeResponseCacheDurationMilliseconds = 0;
                // Series keep the names they had before the exporter (upres_jobs{state="queued"}): no
                // otel_scope_* labels; no two meters here share an instrument name.
                o.ScopeInfoEnabled = false;
            }));
        return services;
    }

    // Meters are process-wide: a meter another host in this process made through its own IMeterFactory
    // (a second server in the tests) is left to that host. Meters made without a factory (the
    // runtime's) belong to the process and stay.
    private static MeterProviderBuilder ConfigureMeterScope(this MeterProviderBuilder metrics)
    {
        if (metrics is IDeferredMeterProviderBuilder deferred)
        {
            deferred.Configure((sp, builder) =>
            {
                var ours = sp.GetRequiredService<IMeterFactory>();
                builder.AddView(instrument => instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, ours) ? null : MetricStreamConfiguration.Drop);
            });
        }

        return metrics;
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            var store = context.RequestServices.GetRequiredService<IJobStore>();
            var counts = await store.CountByStatusAsync(context.RequestAborted);
            context.RequestServices.GetRequiredService<UpresMetrics>().SetJobCounts(counts.ToDictionary(kv => kv.Key.ToWire(), kv => kv.Value));
            await next(context);
        }), optionsName: null);
        return app;
    }
}
