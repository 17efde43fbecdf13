using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Upres.Service.Hosting;

/// Every operator setting. Keys are the environment variable names so that
/// `UPRES_DATA=/srv/upres` and `{"UPRES_DATA": "/srv/upres"}` in appsettings mean the same.
public sealed class UpresOptions
{
    [ConfigurationKeyName("UPRES_DATA")]
    [Required]
    public string DataDirectory { get; set; } = DefaultDataDirectory();

    /// The storage root every node of one service shares (uploads/, inputs/, results/); a network file
    /// system mount when API and workers run on several machines. Defaults to UPRES_DATA.
    [ConfigurationKeyName("UPRES_STORAGE")]
    public string? Storage { get; set; }

    [ConfigurationKeyName("UPRES_URLS")]
    public string? Urls { get; set; }

    [ConfigurationKeyName("UPRES_ADMIN_KEY")]
    public string? AdminKey { get; set; }

    /// Hosts, addresses or CIDRs (each with an optional :port or :*) that input fetches may reach
    /// although private or loopback.
    [ConfigurationKeyName("UPRES_FETCH_ALLOW")]
    public string? FetchAllow { get; set; }

    /// The same for webhook destinations.
    [ConfigurationKeyName("UPRES_WEBHOOK_ALLOW")]
    public string? WebhookAllow { get; set; }

    /// `sqlite` (a file in the data folder) or `postgres`; unset: postgres when UPRES_DB_CONNECTION is
    /// set, else sqlite.
    [ConfigurationKeyName("UPRES_DB")]
    public string? Database { get; set; }

    public bool UsesPostgres => Database is null
        ? !string.IsNullOrEmpty(DatabaseConnection)
        : string.Equals(Database, "postgres", StringComparison.OrdinalIgnoreCase);

    /// Npgsql connection string or postgres:// URL when UPRES_DB=postgres.
    [ConfigurationKeyName("UPRES_DB_CONNECTION")]
    public string? DatabaseConnection { get; set; }

    /// Base URL put into result links and webhooks; defaults to the first listen address.
    [ConfigurationKeyName("UPRES_PUBLIC_URL")]
    public string? PublicUrl { get; set; }

    [ConfigurationKeyName("UPRES_WORKERS")]
    [Range(0, 64)]
    public int WorkerConcurrency { get; set; } = 1;

    /// Steps of Linux niceness below the server's that a job's compute (frame threads, ffmpeg children)
    /// runs at, so the API on the same cores answers first while a job runs; 0: the server's own.
    [ConfigurationKeyName("UPRES_WORKER_NICE")]
    [Range(0, 19)]
    public int WorkerNiceness { get; set; } = 10;

    /// Inference threads of this worker; 0 = one per core.
    [ConfigurationKeyName("UPRES_THREADS")]
    [Range(0, 1024)]
    public int Threads { get; set; }

    /// Execution provider of this worker's engine: cpu, webgpu or cuda.
    [ConfigurationKeyName("UPRES_PROVIDER")]
    [RegularExpression("^(cpu|webgpu|cuda)$")]
    public string Provider { get; set; } = "cpu";

    [ConfigurationKeyName("UPRES_LEASE_SECONDS")]
    [Range(2, 3600)]
    public int LeaseSeconds { get; set; } = 30;

    [ConfigurationKeyName("UPRES_MAX_ATTEMPTS")]
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    [ConfigurationKeyName("UPRES_MAX_UPLOAD_MB")]
    [Range(1, 1_000_000)]
    public long MaxUploadMegabytes { get; set; } = 2048;

    [ConfigurationKeyName("UPRES_RESULT_LINK_HOURS")]
    [Range(0.001, 24 * 365)]
    public double ResultLinkHours { get; set; } = 24;

    [ConfigurationKeyName("UPRES_RETENTION_HOURS")]
    [Range(0.001, 24 * 3650)]
    public double RetentionHours { get; set; } = 72;

    [ConfigurationKeyName("UPRES_RATE_LIMIT_PER_MINUTE")]
    [Range(1, 1_000_000)]
    public int RateLimitPerMinute { get; set; } = 120;

    /// Requests per minute from one client address carrying a key this server does not know (a
    /// guess, or a key made on another server and not yet seen here); each such request costs a
    /// database lookup, so guessing is slowed before it reaches the database.
    [ConfigurationKeyName("UPRES_AUTH_FAILURES_PER_MINUTE")]
    [Range(1, 1_000_000)]
    public int AuthFailuresPerMinute { get; set; } = 30;

    [ConfigurationKeyName("UPRES_FETCH_MAX_MB")]
    [Range(1, 1_000_000)]
    public long FetchMaxMegabytes { get; set; } = 2048;

    [ConfigurationKeyName("UPRES_FETCH_TIMEOUT_SECONDS")]
    [Range(1, 86400)]
    public int FetchTimeoutSeconds { get; set; } = 300;

    /// How long the worker loop sleeps when the queue is empty; tests shorten it.
    [ConfigurationKeyName("UPRES_POLL_MS")]
    [Range(10, 60_000)]
    public int PollMilliseconds { get; set; } = 500;

    /// Slow clients are dropped: the whole header block must arrive within this time.
    [ConfigurationKeyName("UPRES_HEADERS_TIMEOUT_SECONDS")]
    [Range(1, 600)]
    public int HeadersTimeoutSeconds { get; set; } = 15;

    /// Largest JSON body on endpoints other than uploads.
    [ConfigurationKeyName("UPRES_MAX_BODY_KB")]
    [Range(1, 1_000_000)]
    public int MaxBodyKilobytes { get; set; } = 1024;

    /// After a webhook secret rotation, the previous secret keeps signing beside the new one this long.
    [ConfigurationKeyName("UPRES_WEBHOOK_SECRET_OVERLAP_HOURS")]
    [Range(0, 24 * 30)]
    public double WebhookSecretOverlapHours { get; set; } = 24;

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    public TimeSpan ResultLinkLifetime => TimeSpan.FromHours(ResultLinkHours);

    public TimeSpan Retention => TimeSpan.FromHours(RetentionHours);

    public long MaxUploadBytes => MaxUploadMegabytes * 1024 * 1024;

    public string DatabaseFile => Path.Combine(DataDirectory, "upres.db");

    public string StorageDirectory => string.IsNullOrEmpty(Storage) ? DataDirectory : Storage;

    /// This node's own scratch files (a worker's output before it is committed); never shared.
    public string TempDirectory => Path.Combine(DataDirectory, "tmp");

    /// Output pixels per second one worker produces, for estimates (measured on a 2-core CPU).
    [ConfigurationKeyName("UPRES_ESTIMATE_PIXELS_PER_SECOND")]
    [Range(1, 1e12)]
    public double EstimatePixelsPerSecond { get; set; } = 600_000;

    private static string DefaultDataDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".local", "share") : xdg, "upres");
    }
}
