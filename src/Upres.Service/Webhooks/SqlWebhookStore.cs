using Dapper;
using Upres.Service.Data;

namespace Upres.Service.Webhooks;

public sealed class SqlWebhookStore(IUpresDatabase db, TimeProvider clock) : IWebhookStore
{
    // A message waits while an older pending message of its job exists or any of its job's messages is
    // in flight (a superseded progress still being sent holds back the job's end).
    private const string Sendable =
        """
        o.status = 'pending' AND o.next_attempt_at <= @now AND (o.sending_until IS NULL OR o.sending_until <= @now)
        AND NOT EXISTS (
            SELECT 1 FROM webhook_outbox e WHERE e.job_id = o.job_id AND e.id <> o.id AND (
                (e.status = 'pending' AND (e.created_at < o.created_at OR (e.created_at = o.created_at AND e.id < o.id)))
                OR e.sending_until > @now))
        """;

    public async Task<IReadOnlyList<WebhookMessage>> DueAsync(IReadOnlyCollection<string> busy, int limit, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(new { now = clock.Ms(), limit = (long)limit });
        var names = busy.Select((destination, i) =>
        {
            parameters.Add($"busy{i}", destination);
            return $"@busy{i}";
        }).ToList();
        var notBusy = names.Count == 0 ? "" : $"AND o.destination NOT IN ({string.Join(", ", names)})";
        await using var c = await db.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(
            $"SELECT o.* FROM webhook_outbox o WHERE {Sendable} {notBusy} ORDER BY o.next_attempt_at, o.created_at, o.id LIMIT @limit",
            parameters, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToMessage())];
    }

    public async Task<WebhookMessage?> ClaimAsync(string messageId, TimeSpan hold, CancellationToken cancellationToken)
    {
        var now = clock.Ms();
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await db.BeginWriteAsync(c, cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            // The conditions sit on the updated row itself: on PostgreSQL a second dispatcher that waited
            // on this row's lock re-checks them against the claimed version and takes nothing (a
            // subquery would still answer from its old snapshot).
            $"UPDATE webhook_outbox AS o SET sending_until = @until WHERE o.id = @messageId AND {Sendable} RETURNING *",
            new { messageId, now, until = now + (long)hold.TotalMilliseconds }, tx, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
        return row?.ToMessage();
    }

    public async Task ReleaseAsync(string messageId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_outbox SET sending_until = NULL WHERE id = @messageId", new { messageId }, cancellationToken: cancellationToken));
    }

    public async Task RecordAttemptAsync(WebhookMessage message, WebhookAttempt attempt, string body, string status, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await using var tx = await db.BeginWriteAsync(c, cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO webhook_attempts (message_id, attempt, at, status_code, error, duration_ms) VALUES (@id, @attempt, @at, @code, @error, @duration)",
            new { id = message.Id, attempt = (long)attempt.Attempt, at = attempt.At.ToUnixTimeMilliseconds(), code = (long?)attempt.StatusCode, error = attempt.Error, duration = attempt.DurationMs },
            tx, cancellationToken: cancellationToken));
        await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE webhook_outbox SET
                status = CASE WHEN status = @superseded AND @status <> @delivered THEN status ELSE @status END,
                completed_at = CASE WHEN status = @superseded AND @status <> @delivered THEN completed_at ELSE @completed END,
                attempts = @attempt, next_attempt_at = @next, last_status_code = @code, last_error = @error, payload = @body, sending_until = NULL
            WHERE id = @id
            """,
            new
            {
                id = message.Id, status, attempt = (long)attempt.Attempt, next = (nextAttemptAt ?? attempt.At).ToUnixTimeMilliseconds(),
                code = (long?)attempt.StatusCode, error = attempt.Error, completed = status == WebhookStatus.Pending ? (long?)null : attempt.At.ToUnixTimeMilliseconds(),
                body, superseded = WebhookStatus.Superseded, delivered = WebhookStatus.Delivered,
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
        public string Destination { get; set; } = "";
        public long? SendingUntil { get; set; }

        public WebhookMessage ToMessage() => new(Id, JobId, AccountId, Dialect, EventType, Url, Payload, ContentType, Status, (int)Attempts,
            NextAttemptAt.ToTime(), (int?)LastStatusCode, LastError, CreatedAt.ToTime(), CompletedAt.ToTime())
        {
            Destination = Destination,
        };
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
