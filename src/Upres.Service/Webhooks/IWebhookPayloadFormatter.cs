using Upres.Service.Jobs;
using Upres.Service.Storage;

namespace Upres.Service.Webhooks;

/// Everything a formatter may put in a payload. Result is set for a completed job.
public sealed record WebhookEventContext(string MessageId, string EventType, JobRecord Job, ResultLink? Result, DateTimeOffset Timestamp);

public sealed record WebhookPayload(string Body, string ContentType = "application/json");

/// Renders a job event in one dialect's shape (the native API's, kie.ai's callback, HitPaw's
/// web_hook_url body, ...). Formatting happens when the event is written to the outbox, inside the
/// state change's transaction, so a retried delivery sends the same bytes; except that a completed
/// job's event is formatted again for each attempt from the (final) job with a freshly signed
/// result link, so a late retry never carries an expired link.
public interface IWebhookPayloadFormatter
{
    /// The dialect name stored on the job ("native", "kieai", "hitpaw", ...).
    string Dialect { get; }

    /// Null: this dialect sends nothing for this event (e.g. it has no progress callbacks).
    WebhookPayload? Format(WebhookEventContext context);
}
