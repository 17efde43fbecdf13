namespace Upres.Service.Jobs;

/// A request to create a job, from any door. JobService.CreateAsync validates it and queues it: an
/// upload (probed when it arrived) is planned, priced and reserved at once; a URL input is fetched,
/// checked, planned, priced and reserved by the worker's prepare stage. The door's IIntakeRules bill it.
public sealed record NewJob
{
    public required string AccountId { get; init; }

    /// The job's id when the door must name something after it before the create (kokoon's
    /// use_trim_orig video); a new id otherwise.
    public string? Id { get; init; }
    public required JobInput Input { get; init; }
    public required JobSpec Spec { get; init; }

    /// "native" or a dialect name ("mingyan", "kokoon", "kieai", "hitpaw").
    public string Dialect { get; init; } = "native";

    /// Same key + same request = the same job; same key + different request = refused.
    public string? IdempotencyKey { get; init; }
    public string? WebhookUrl { get; init; }
    public bool WebhookProgress { get; init; }
    public string? MetadataJson { get; init; }
    public string? DialectData { get; init; }
    public bool EstimateOnly { get; init; }
}
