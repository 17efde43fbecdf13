using Dapper;
using Upres.Service.Data;

namespace Upres.Service.Webhooks;

public sealed class SqlWebhookStore(IUpresDatabase db, TimeProvider clock) : IWebhookStore
{
    public async Task<WebhookMessage?> ClaimDueAsync(TimeSpan hold, CancellationToken cancellationToken)
    {
        var now = clock.Ms();
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await db.BeginWriteAsync(c, cancellationToken);
        var id = await c.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT id FROM webhook_outbox WHERE status = 'pending' AND next_attempt_at <= @now ORDER BY next_attempt_at, created_at, id LIMIT 1",
            new { now }, tx, cancellationToken: cancellationToken));
        if (id is null)
        {
            await tx.RollbackAsync(cancellationToken);
            return null;
        }

        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "UPDATE webhook_outbox SET next_attempt_at = @until WHERE id = @id AND status = 'pending' AND next_attempt_at <= @now RETURNING *",
            new { id, now, until = now + (long)hold.TotalMilliseconds }, tx, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
        return row?.ToMessage();
    }

    public async Task RecordAttemptAsync(WebhookMessage message, WebhookAttempt attempt, string status, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await db.BeginWriteAsync(c, cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO webhook_attempts (message_id, attempt, at, status_code, error, duration_ms) VALUES (@id, @attempt, @at, @code, @error, @duration)",
            new { id = message.Id, attempt = (long)attempt.Attempt, at = attempt.At.ToUnixTimeMilliseconds(), code = (long?)attempt.StatusCode, error = attempt.Error, duration = attempt.DurationMs },
            tx, cancellationToken: cancellationToken));
        await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE webhook_outbox SET status = @status, attempts = @attempt, next_attempt_at = @next, last_status_code = @code, last_error = @error,
                completed_at = @completed
            WHERE id = @id
            """,
            new
            {
                id = message.Id, status, attempt = (long)attempt.Attempt, next = (nextAttemptAt ?? attempt.At).ToUnixTimeMilliseconds(),
                code = (long?)attempt.StatusCode, error = attempt.Error, completed = status == WebhookStatus.Pending ? (long?)null : attempt.At.ToUnixTimeMilliseconds(),
            },
            tx, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<(WebhookMessage Message, IReadOnlyList<WebhookAttempt> Attempts)>> ForJobAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var messages = (await c.QueryAsync<Row>(new CommandDefinition(
            "SELECT * FROM webhook_outbox WHERE job_id = @jobId ORDER BY created_at, id", new { jobId }, cancellationToken: cancellationToken))).ToList();
        var result = new List<(WebhookMessage, IReadOnlyList<WebhookAttempt>)>();
        foreach (var m in messages)
        {
            var attempts = await c.QueryAsync<AttemptRow>(new CommandDefinition(
                "SELECT attempt, at, status_code, error, duration_ms FROM webhook_attempts WHERE message_id = @id ORDER BY attempt",
                new { id = m.Id }, cancellationToken: cancellationToken));
            result.Add((m.ToMessage(), [.. attempts.Select(a => new WebhookAttempt((int)a.Attempt, a.At.ToTime(), (int?)a.StatusCode, a.Error, a.DurationMs))]));
        }

        return result;
    }

    public async Task<IReadOnlyList<string>> SecretsAsync(string accountId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<SecretRow>(new CommandDefinition(
            "SELECT webhook_secret AS Current, previous_webhook_secret AS Previous, previous_secret_until AS PreviousUntil FROM accounts WHERE id = @accountId",
            new { accountId }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return [];
        }

        return row.Previous is { } previous && row.PreviousUntil > now.ToUnixTimeMilliseconds() ? [row.Current, previous] : [row.Current];
    }

    private sealed class SecretRow
    {
        public string Current { get; set; } = "";
        public string? Previous { get; set; }
        public long? PreviousUntil { get; set; }
    }

    private sealed class Row
    {
        public string Id { get; set; } = "";
        public string JobId { get; set; } = "";
        public string AccountId { get; set; } = "";
        public string Dialect { get; set; } = "";
        public string EventType { get; set; } = "";
        public string Url { get; set; } = "";
        public string Payload { get; set; } = "";
        public string ContentType { get; set; } = "";
        public string Status { get; set; } = "";
        public long Attempts { get; set; }
        public long NextAttemptAt { get; set; }
        public long? LastStatusCode { get; set; }
        public string? LastError { get; set; }
        public long CreatedAt { get; set; }
        public long? CompletedAt { get; set; }

        public WebhookMessage ToMessage() => new(Id, JobId, AccountId, Dialect, EventType, Url, Payload, ContentType, Status, (int)Attempts,
            NextAttemptAt.ToTime(), (int?)LastStatusCode, LastError, CreatedAt.ToTime(), CompletedAt.ToTime());
    }

    private sealed class AttemptRow
    {
        public long Attempt { get; set; }
        public long At { get; set; }
        public long? StatusCode { get; set; }
        public string? Error { get; set; }
        public long DurationMs { get; set; }
    }
}
