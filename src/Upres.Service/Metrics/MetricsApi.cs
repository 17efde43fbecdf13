using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Upres.Service.Jobs;

namespace Upres.Service.Metrics;

public static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", async (UpresMetrics metrics, IJobStore store, RunningJobs running, CancellationToken ct) =>
        {
            var counts = await store.CountByStatusAsync(ct);
            var text = metrics.Render(counts.ToDictionary(kv => kv.Key.ToWire(), kv => kv.Value), running.Count);
            return TypedResults.Text(text, "text/plain; version=0.0.4; charset=utf-8");
        }).WithTags("Health").ExcludeFromDescription();
        return app;
    }
}
