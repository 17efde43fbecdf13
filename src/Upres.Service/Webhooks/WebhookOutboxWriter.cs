using System.Data.Common;
using Dapper;
using Upres.Service.Data;
using Upres.Service.Jobs;
using Upres.Service.Storage;

namespace Upres.Service.Webhooks;

/// Writes a job event to the outbox inside the caller's transaction. The unique index on
/// (job_id, event_type) for terminal events makes "notifies once" hold across crashes and retries.
/// A completed job's result link written here is signed again for every attempt (WebhookAttemptPayload).
public sealed class WebhookOutboxWriter(WebhookPayloads payloads, ResultLinks links, TimeProvider clock)
{
    public async Task EnqueueAsync(DbConnection c, DbTransaction tx, JobRecord job, string eventType, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(job.WebhookUrl))
        {
            return;
        }

        var id = Ids.New("msg");
        var now = clock.GetUtcNow();
        var result = job.Status == JobStatus.Completed ? links.Create(job.Id) : null;
        var payload = payloads.For(job.Dialect).Format(new WebhookEventContext(id, eventType, job, result, now));
        if (payload is null)
        {
            return;
        }

        await c.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO webhook_outbox (id, job_id, account_id, dialect, event_type, url, destination, payload, content_type, status, attempts, next_attempt_at, created_at)
            VALUES (@id, @jobId, @accountId, @dialect, @eventType, @url, @destination, @body, @contentType, 'pending', 0, @now, @now)
            ON CONFLICT DO NOTHING
            """,
            new
            {
                id, jobId = job.Id, accountId = job.AccountId, dialect = job.Dialect, eventType, url = job.WebhookUrl, destination = WebhookDestination.Of(job.WebhookUrl),
                body = payload.Body, contentType = payload.ContentType, now = now.ToUnixTimeMilliseconds(),
            },
            tx, cancellationToken: cancellationToken));
    }

    /// Progress still waiting when the job ends would arrive after the terminal event; it is dropped.
    public Task SupersedeProgressAsync(DbConnection c, DbTransaction tx, string jobId, long now, CancellationToken cancellationToken) =>
        c.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_outbox SET status = @superseded, completed_at = @now WHERE job_id = @jobId AND event_type = @progress AND status = @pending",
            new { jobId, now, superseded = WebhookStatus.Superseded, progress = WebhookEvents.Progress, pending = WebhookStatus.Pending },
            tx, cancellationToken: cancellationToken));
}
