using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Upres.Service.Accounts;
using Upres.Service.Data;
using Upres.Service.Health;

namespace Upres.Service.Hosting;

/// The table of contents: each capability adds its services here and maps its endpoints below.
public static class UpresServiceRegistration
{
    public static WebApplicationBuilder AddUpresServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<UpresOptions>().BindConfiguration("").ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Extensions.TryAdd("code", ctx.ProblemDetails.Status switch
            {
                StatusCodes.Status404NotFound => "not_found",
                StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
                StatusCodes.Status400BadRequest => "invalid_request",
                StatusCodes.Status413PayloadTooLarge => "payload_too_large",
                _ => "internal_error",
            });
        });

        services.AddSingleton<IUpresDatabase>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<UpresOptions>>().Value;
            return string.Equals(o.Database, "postgres", StringComparison.OrdinalIgnoreCase)
                ? new PostgresDatabase(o.DatabaseConnection ?? throw new OptionsValidationException("UPRES_DB_CONNECTION", typeof(UpresOptions), ["UPRES_DB_CONNECTION is required with UPRES_DB=postgres"]))
                : new SqliteDatabase(o.DatabaseFile);
        });
        services.AddHostedService<DatabaseMigrator>();
        services.AddSingleton<IAccountStore, SqlAccountStore>();
        services.AddScoped<CurrentAccount>();
        services.AddSingleton<AdminKeyFilter>();
        services.AddOpenApi();
        return builder;
    }

    public static WebApplication UseUpres(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapHealth();
        app.MapAdmin();
        var v1 = app.MapGroup("/v1").AddEndpointFilter<ApiKeyFilter>().WithTags("Native API");
        v1.MapAccounts();
        return app;
    }
}
