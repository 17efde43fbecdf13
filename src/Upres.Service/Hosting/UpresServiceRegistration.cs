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
using Upres.Service.Dialects;
using Upres.Engine;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Upres.Service.Billing;
using Upres.Service.Health;
using Upres.Service.Jobs;
using Upres.Service.Metrics;
using Upres.Service.Previews;
using Upres.Service.Problems;
using Upres.Service.Security;
using Upres.Service.Segments;
using Upres.Service.Storage;
using Upres.Service.Uploads;
using Upres.Service.Web;
using Upres.Service.Webhooks;
using Upres.Service.Work;

namespace Upres.Service.Hosting;

/// The table of contents: each capability adds its services here and maps its endpoints below.
public static class UpresServiceRegistration
{
    public static WebApplicationBuilder AddUpresServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddUpresCore();
        builder.Services.AddHostedService<ApiWarmUp>();
        builder.Services.AddSettings<JobEventOptions>();
        builder.Services.AddSingleton<EventStreamSlots>();
        builder.Services.AddHostedService<JobChangeFeed>();
        builder.Services.AddUpresMetrics();
        builder.WebHost.ConfigureKestrel(k =>
        {
            var o = k.ApplicationServices.GetRequiredService<IOptions<UpresOptions>>().Value;
            // Small by default; the upload endpoints raise their own limit.
            k.Limits.MaxRequestBodySize = o.MaxBodyKilobytes * 1024L;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(o.HeadersTimeoutSeconds);
            k.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1024, gracePeriod: TimeSpan.FromSeconds(10));
            k.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(60);
        });
        return builder;
    }

    /// Everything but the HTTP listener: `upres worker` runs this alone (workers, webhook delivery,
    /// retention, migrations), `upres serve` adds Kestrel and the endpoints.
    public static IServiceCollection AddUpresCore(this IServiceCollection services)
    {
        services.AddSettings<UpresOptions>();
        services.AddSingleton<IValidateOptions<UpresOptions>, AdminKeyStrength>();
        services.TryAddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
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
            // The framework's own 400s (a missing or unreadable body) come without a sentence.
            if (ctx.ProblemDetails.Status == StatusCodes.Status400BadRequest && string.IsNullOrEmpty(ctx.ProblemDetails.Detail))
            {
                ctx.ProblemDetails.Detail = "The request could not be read: send a JSON body (Content-Type: application/json) with the fields the API reference at /docs gives.";
            }
        });

        services.AddExceptionHandler<StorageFullHandler>();
        services.AddSingleton<IUpresDatabase>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<UpresOptions>>().Value;
            return o.UsesPostgres
                ? new PostgresDatabase(PostgresUrl.ToConnectionString(o.DatabaseConnection
                    ?? throw new OptionsValidationException("UPRES_DB_CONNECTION", typeof(UpresOptions), ["UPRES_DB_CONNECTION is required with UPRES_DB=postgres"])))
                : new SqliteDatabase(o.DatabaseFile);
        });
        services.AddHostedService<DatabaseMigrator>();
        services.AddSingleton<KnownApiKeys>();
        services.AddHostedService<KnownApiKeys.Loader>();
        services.AddSettings<ApiKeyCacheOptions>();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<IAccountStore, SqlAccountStore>();
        services.AddScoped<CurrentAccount>();
        services.AddSingleton<AdminKeyFilter>();

        // Engine: the real pipeline and prober. Tests and other hosts may register their own first.
        services.TryAddSingleton<IVideoUpscaler>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<UpresOptions>>().Value;
            return UpscaleEngine.Create(new EngineOptions
            {
                Threads = o.Threads > 0 ? o.Threads : null,
                Provider = o.Provider,
                InputFormats = Demuxers.SelfContained,
                Niceness = o.WorkerNiceness,
            });
        });
        services.TryAddSingleton<IMediaProber>(_ => new FfprobeClient(formats: Demuxers.SelfContained));

        services.AddSettings<MediaLimitsOptions>();
        services.AddOptions<PriceTableOptions>().BindConfiguration("UPRES_PRICING");
        services.AddSingleton(sp => new UrlGuard(new FetchAllowList(sp.GetRequiredService<IOptions<UpresOptions>>().Value.FetchAllow)));
        services.AddKeyedSingleton(UrlGuard.Webhooks, (sp, _) => new UrlGuard(new FetchAllowList(sp.GetRequiredService<IOptions<UpresOptions>>().Value.WebhookAllow)));
        services.AddSingleton<IValidateOptions<UpresOptions>, AllowListSettings>();
        services.AddSingleton<UrlFetcher>();
        services.AddSingleton<MediaGuard>();
        services.AddSingleton<PriceTable>();
        services.TryAddSingleton(Upres.Engine.Models.ModelCatalog.Default);
        services.AddSingleton<ModelOffers>();
        services.AddSingleton<PublicBaseUrl>();
        services.AddSingleton<ResultLinks>();
        services.AddSingleton<FrameRenderer>();
        services.TryAddSingleton(_ => new FfmpegTools());
        services.AddSingleton<UpresMetrics>();
        services.AddSingleton<IUploadStore, SqlUploadStore>();
        services.AddSingleton<UploadReceiver>();
        services.AddSingleton<IJobStore, SqlJobStore>();
        services.AddSingleton<JobQueueSignal>();
        services.AddSingleton<JobChanges>();
        services.AddSingleton<RunningJobs>();
        services.AddSingleton<StorageRoot>();
        services.AddSettings<StorageSpaceOptions>();
        services.AddSingleton<StorageSpace>();
        services.AddSingleton<SqlWorkerStore>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<UpresOptions>>().Value;
            return WorkerIdentity.ForThisProcess(o.Threads > 0 ? o.Threads : Environment.ProcessorCount, o.Provider, o.WorkerConcurrency);
        });
        services.AddSingleton<IntakeRules>();
        services.AddSingleton<IWorkKind, JobKind>();
        services.AddOptions<SegmentOptions>().BindConfiguration("").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SqlSegmentStore>();
        services.AddSingleton<SegmentPlanner>();
        services.AddSingleton<IWorkKind, SegmentKind>();
        services.AddSingleton<JobService>();
        services.AddSingleton<IWebhookStore, SqlWebhookStore>();
        services.AddSingleton<IWebhookPayloadFormatter, NativeWebhookFormatter>();
        services.AddSingleton<WebhookPayloads>();
        services.AddSingleton<WebhookOutboxWriter>();
        services.AddSingleton<WebhookAttemptPayload>();
        services.AddSettings<WebhookDeliveryOptions>();
        services.AddHostedService<WorkerLoop>();
        services.AddHostedService<WebhookDispatcher>();
        services.AddHostedService<RetentionService>();
        services.AddUpresDialects();

        services.AddUpresRateLimits();
        services.AddOpenApi();
        // SIGTERM: running units are released within a few seconds; never wait longer than this.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        return services;
    }

    public static WebApplication UseUpres(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDoorErrors();
        app.UseRateLimiter();
        app.MapOpenApi();
        app.MapApiReference();
        app.MapHealth();
        app.MapMetrics();
        app.MapWebPage();
        app.MapAdmin().MapWorkers();
        app.MapResults();
        app.MapInputDownloads();
        var v1 = app.MapGroup("/v1").AddEndpointFilter<ApiKeyFilter>().WithTags("Native API");
        v1.MapAccounts();
        v1.MapUploads();
        v1.MapJobs();
        v1.MapPreviews();
        app.MapUpresDialects();
        return app;
    }
}
