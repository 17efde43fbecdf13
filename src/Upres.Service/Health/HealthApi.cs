using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Upres.Service.Data;
using Upres.Service.Hosting;
using Upres.Service.Storage;

namespace Upres.Service.Health;

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthStatus("ok", null))).WithTags("Health");
        app.MapGet("/readyz", Ready).WithTags("Health");
        return app;
    }

    public sealed record HealthStatus(string Status, IReadOnlyDictionary<string, string>? Checks);

    /// Ready = the database answers and the data folder takes a write.
    public static async Task<Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>>> Ready(IUpresDatabase db, IOptions<UpresOptions> options, CancellationToken ct)
    {
        var checks = new Dictionary<string, string>();
        var ok = true;
        try
        {
            await using var c = await db.OpenAsync(ct);
            await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM schema_migrations", cancellationToken: ct));
            checks["database"] = "ok";
        }
        catch (Exception e)
        {
            ok = false;
            checks["database"] = e.GetType().Name;
        }

        try
        {
            OwnerOnly.CreateDirectory(options.Value.TempDirectory);
            var probe = Path.Combine(options.Value.TempDirectory, $".ready-{Guid.NewGuid():N}");
            await File.WriteAllTextAsync(probe, "ok", ct);
            File.Delete(probe);
            checks["storage"] = "ok";
        }
        catch (Exception e)
        {
            ok = false;
            checks["storage"] = e.GetType().Name;
        }

        var status = new HealthStatus(ok ? "ok" : "unavailable", checks);
        return ok ? TypedResults.Ok(status) : TypedResults.Json(status, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
