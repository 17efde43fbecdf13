using Upres.Service.Jobs;
using Upres.Service.Storage;

namespace Upres.Service.Webhooks;

/// The body one delivery attempt sends. A completed job's event carries a signed result link that
/// must be valid when the receiver reads it, not when the message was queued: it is formatted again
/// from the job (final once completed) with a link signed now, under the message's id and original
/// timestamp. Every other event sends the bytes written to the outbox.
public sealed class WebhookAttemptPayload(IJobStore jobs, WebhookPayloads payloads, ResultLinks links)
{
    public async Task<string> RenderAsync(WebhookMessage message, CancellationToken cancellationToken)
    {
        if (message.EventType != WebhookEvents.Completed
            || await jobs.GetAsync(message.JobId, cancellationToken) is not { Status: JobStatus.Completed } job)
        {
            return message.Payload;
        }

        var context = new WebhookEventContext(message.Id, message.EventType, job, links.Create(job.Id), message.CreatedAt);
        return payloads.For(job.Dialect).Format(context)?.Body ?? message.Payload;
    }
}
