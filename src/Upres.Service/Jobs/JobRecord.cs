using Upres.Engine.Media;
using Upres.Engine.Pipeline;

namespace Upres.Service.Jobs;

/// A job as stored: what every door reads to answer in its own words.
public sealed record JobRecord
{
    public required string Id { get; init; }
    public required string AccountId { get; init; }

    /// "native" or the dialect the job came in by; it picks the webhook payload formatter.
    public required string Dialect { get; init; }
    public required JobStatus Status { get; init; }
    public required JobSpec Spec { get; init; }
    public required JobInput Input { get; init; }
    /// Null until the input has been probed: a URL input is fetched, probed, planned and priced by
    /// the worker's prepare stage, not in the request. Price is 0 until then (nothing reserved).
    public required PlannedOutput? Plan { get; init; }

    /// The probe the plan was made from (the demuxer the input was first detected with included):
    /// the worker's engine runs plan on it and pin every ffmpeg run to its demuxer. Null with Plan.
    public MediaInfo? Probe { get; init; }
    public required long Price { get; init; }

    /// The plan of a job that has one: an upload's job from its create, a URL's from its prepare
    /// stage (every kokoon job, every running or split job).
    public PlannedOutput Planned => Plan ?? throw new InvalidOperationException($"job {Id} has no plan yet");

    /// An estimate job: the worker prepares it (fetch, probe, plan, price) and it completes with the
    /// price and the plan, reserving and charging nothing.
    public bool EstimateOnly { get; init; }
    public required double EstimateSeconds { get; init; }
    public string? IdempotencyKey { get; init; }
    public string? WebhookUrl { get; init; }
    public bool WebhookProgress { get; init; }

    /// The client's metadata object, as JSON text, echoed back.
    public string? MetadataJson { get; init; }

    /// Whatever a dialect needs to remember about the vendor request (JSON text, opaque to the core).
    public string? DialectData { get; init; }
    public double Progress { get; init; }
    public long FramesDone { get; init; }
    public long FramesTotal { get; init; }
    public double Fps { get; init; }
    public double? EtaSeconds { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public JobResult? Result { get; init; }
    public int Attempts { get; init; }

    /// Attempts that died inside the job's own work at the furthest place any attempt had reached
    /// (WorkPlaces); MaxAttempts of them fail the job.
    public int Strikes { get; init; }

    /// The furthest place any attempt reached (WorkPlaces).
    public long Checkpoint { get; init; }
    public int MaxAttempts { get; init; }

    /// The worker holding the job now (workers.id), while it is processing.
    public string? WorkerId { get; init; }

    /// The fencing token of the attempt that holds the job; never shown to clients.
    public string? LeaseToken { get; init; }
    public DateTimeOffset? LeaseExpiresAt { get; init; }
    public bool CancelRequested { get; init; }
    /// The input's storage key (see StorageRoot).
    public required string InputKey { get; init; }
    public bool OwnsInput { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public DateTimeOffset? FilesDeletedAt { get; init; }
    public DateTimeOffset? DeletedAt { get; init; }

    public bool LeaseExpired(long nowMs) => LeaseExpiresAt is { } until && until.ToUnixTimeMilliseconds() < nowMs;
}

/// The produced file, as the engine reported it; Key is its storage key.
public sealed record JobResult(string Key, int Width, int Height, double FrameRate, TimeSpan Duration, long Frames, long SizeBytes);
