using Upres.Engine.Pipeline;
using Upres.Service.Billing;

namespace Upres.Service.Jobs;

/// The answer to a create. Job is null for an estimate of an upload (answered at once); Quote and
/// Plan are null for a URL input, which the worker's prepare stage plans and prices. Replayed: an
/// Idempotency-Key matched an earlier identical request and this is that job.
public sealed record JobCreation(JobRecord? Job, PriceQuote? Quote, PlannedOutput? Plan, double EstimateSeconds, bool Replayed);
