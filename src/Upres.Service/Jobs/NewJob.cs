using Upres.Service.Billing;

namespace Upres.Service.Jobs;

/// A request to create a job, from any door. JobService.CreateAsync validates it, probes the input,
/// plans the output, prices it and (unless EstimateOnly) reserves the credits and queues it.
public sealed record NewJob
{
    public required string AccountId { get; init; }
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

    /// A dialect's billing rule: what to bill for the planned output (e.g. input seconds at a nominal
    /// tier frame rate). Null: the native rule, the planned output's duration, size and frame rate.
    /// The credits always come from the one PriceTable.
    public Func<OutputPlan, PriceQuery>? PriceQueryFor { get; init; }
}
