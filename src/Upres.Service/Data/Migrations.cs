using System.Data.Common;
using Dapper;

namespace Upres.Service.Data;

/// Forward-only schema steps, written once with three tokens for the type names that differ.
internal static class Migrations
{
    private static readonly MigrationStep[] Steps =
    [
        """
        CREATE TABLE accounts (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            balance {int} NOT NULL DEFAULT 0,
            reserved {int} NOT NULL DEFAULT 0,
            webhook_secret TEXT NOT NULL,
            created_at {int} NOT NULL,
            CHECK (balance >= 0),
            CHECK (reserved >= 0 AND reserved <= balance)
        );
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts(id),
            key_hash TEXT NOT NULL UNIQUE,
            prefix TEXT NOT NULL,
            created_at {int} NOT NULL,
            revoked_at {int}
        );
        CREATE TABLE ledger (
            id {serial},
            account_id TEXT NOT NULL REFERENCES accounts(id),
            job_id TEXT,
            kind TEXT NOT NULL,
            amount {int} NOT NULL,
            balance_after {int} NOT NULL,
            reserved_after {int} NOT NULL,
            note TEXT,
            created_at {int} NOT NULL
        );
        CREATE UNIQUE INDEX ux_ledger_job_reserve ON ledger(job_id) WHERE kind = 'reserve';
        CREATE UNIQUE INDEX ux_ledger_job_settle ON ledger(job_id) WHERE kind IN ('charge', 'release');
        CREATE INDEX ix_ledger_account ON ledger(account_id, id);
        CREATE TABLE uploads (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts(id),
            path TEXT NOT NULL,
            file_name TEXT,
            size_bytes {int} NOT NULL,
            probe_json TEXT NOT NULL,
            created_at {int} NOT NULL,
            deleted_at {int}
        );
        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts(id),
            dialect TEXT NOT NULL,
            status TEXT NOT NULL,
            idempotency_key TEXT,
            request_hash TEXT NOT NULL,
            spec_json TEXT NOT NULL,
            input_json TEXT NOT NULL,
            input_path TEXT NOT NULL,
            owns_input {int} NOT NULL,
            probe_json TEXT NOT NULL,
            plan_json TEXT NOT NULL,
            price {int} NOT NULL,
            estimate_seconds {real} NOT NULL,
            webhook_url TEXT,
            webhook_progress {int} NOT NULL DEFAULT 0,
            metadata_json TEXT,
            dialect_data TEXT,
            progress {real} NOT NULL DEFAULT 0,
            frames_done {int} NOT NULL DEFAULT 0,
            frames_total {int} NOT NULL DEFAULT 0,
            fps {real} NOT NULL DEFAULT 0,
            eta_seconds {real},
            error_code TEXT,
            error_message TEXT,
            result_path TEXT,
            result_json TEXT,
            attempts {int} NOT NULL DEFAULT 0,
            max_attempts {int} NOT NULL,
            lease_token TEXT,
            lease_expires_at {int},
            cancel_requested {int} NOT NULL DEFAULT 0,
            created_at {int} NOT NULL,
            updated_at {int} NOT NULL,
            started_at {int},
            finished_at {int},
            files_deleted_at {int},
            deleted_at {int}
        );
        CREATE UNIQUE INDEX ux_jobs_idempotency ON jobs(account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX ix_jobs_queue ON jobs(status, id);
        CREATE INDEX ix_jobs_account ON jobs(account_id, id);
        CREATE TABLE webhook_outbox (
            id TEXT PRIMARY KEY,
            job_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            dialect TEXT NOT NULL,
            event_type TEXT NOT NULL,
            url TEXT NOT NULL,
            payload TEXT NOT NULL,
            content_type TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts {int} NOT NULL DEFAULT 0,
            next_attempt_at {int} NOT NULL,
            last_status_code {int},
            last_error TEXT,
            created_at {int} NOT NULL,
            completed_at {int}
        );
        CREATE UNIQUE INDEX ux_outbox_terminal ON webhook_outbox(job_id, event_type) WHERE event_type <> 'job.progress';
        CREATE INDEX ix_outbox_due ON webhook_outbox(status, next_attempt_at);
        CREATE TABLE webhook_attempts (
            id {serial},
            message_id TEXT NOT NULL,
            attempt {int} NOT NULL,
            at {int} NOT NULL,
            status_code {int},
            error TEXT,
            duration_ms {int} NOT NULL
        );
        CREATE INDEX ix_webhook_attempts_message ON webhook_attempts(message_id, attempt);
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
        // Key lifecycle: a rotated webhook secret keeps signing beside the new one until previous_secret_until.
        """
        ALTER TABLE accounts ADD COLUMN previous_webhook_secret TEXT;
        ALTER TABLE accounts ADD COLUMN previous_secret_until {int};
        CREATE INDEX ix_api_keys_account ON api_keys(account_id, created_at);
        """,
        // kokoon's originals outlive the service's retention (14 days by default).
        """
        ALTER TABLE uploads ADD COLUMN kept_until {int};
        """,
        // Several machines, one job: files by storage keys, work claimed by a named worker, and the
        // checkpoint an attempt reached, so only an attempt that made no progress counts as a strike.
        """
        ALTER TABLE jobs RENAME COLUMN input_path TO input_key;
        ALTER TABLE jobs RENAME COLUMN result_path TO result_key;
        ALTER TABLE uploads RENAME COLUMN path TO file_key;
        ALTER TABLE jobs ADD COLUMN worker_id TEXT;
        ALTER TABLE jobs ADD COLUMN checkpoint {int} NOT NULL DEFAULT 0;
        ALTER TABLE jobs ADD COLUMN attempt_checkpoint {int} NOT NULL DEFAULT -1;
        ALTER TABLE jobs ADD COLUMN strikes {int} NOT NULL DEFAULT 0;
        CREATE TABLE workers (
            id TEXT PRIMARY KEY,
            host TEXT NOT NULL,
            process_id {int} NOT NULL,
            threads {int} NOT NULL,
            provider TEXT NOT NULL,
            slots {int} NOT NULL,
            current_work TEXT NOT NULL,
            started_at {int} NOT NULL,
            heartbeat_at {int} NOT NULL,
            stopped_at {int}
        );
        """,
        // Concurrent webhook delivery: the destination a message counts against, and the claim of the
        // dispatcher sending it (a job's later messages wait while one is in flight).
        """
        ALTER TABLE webhook_outbox ADD COLUMN destination TEXT NOT NULL DEFAULT '';
        ALTER TABLE webhook_outbox ADD COLUMN sending_until {int};
        CREATE INDEX ix_outbox_job ON webhook_outbox(job_id, created_at);
        """,
        // Job event streams wait on one signal. SQLite: writes in this process signal directly and one
        // poll per process finds other processes' writes by updated_at. PostgreSQL: a change to a job
        // (every write that matters moves updated_at), from any process, notifies the API nodes
        // listening on upres_job_changes.
        """
        CREATE INDEX ix_jobs_updated ON jobs(updated_at);
        """,
        new(
            """
            CREATE OR REPLACE FUNCTION upres_notify_job_change() RETURNS trigger AS $$
            BEGIN
                PERFORM pg_notify('upres_job_changes', NEW.id);
                RETURN NULL;
            END
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER upres_job_inserted AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION upres_notify_job_change();
            CREATE TRIGGER upres_job_changed AFTER UPDATE ON jobs FOR EACH ROW
                WHEN (OLD.updated_at IS DISTINCT FROM NEW.updated_at OR OLD.status IS DISTINCT FROM NEW.status)
                EXECUTE FUNCTION upres_notify_job_change();
            """,
            DatabaseProvider.Postgres),
        // Segments of a long job (Segments/SqlSegmentStore.cs), with the same lease columns as jobs;
        // progress_marks: the quarter-progress webhooks a split job has sent, so several workers send each once.
        """
        CREATE TABLE segments (
            id TEXT PRIMARY KEY,
            job_id TEXT NOT NULL REFERENCES jobs(id),
            idx {int} NOT NULL,
            first_frame {int} NOT NULL,
            frame_count {int} NOT NULL,
            status TEXT NOT NULL,
            lease_token TEXT,
            lease_expires_at {int},
            worker_id TEXT,
            attempts {int} NOT NULL DEFAULT 0,
            strikes {int} NOT NULL DEFAULT 0,
            checkpoint {int} NOT NULL DEFAULT 0,
            attempt_checkpoint {int} NOT NULL DEFAULT 0,
            frames_done {int} NOT NULL DEFAULT 0,
            fps {real} NOT NULL DEFAULT 0,
            result_key TEXT,
            created_at {int} NOT NULL,
            updated_at {int} NOT NULL,
            UNIQUE (job_id, idx)
        );
        CREATE INDEX segments_claim ON segments (status, lease_expires_at);
        ALTER TABLE jobs ADD COLUMN progress_marks {int} NOT NULL DEFAULT 0;
        """,
        // Intake does no media work: a URL job is planned and priced by the worker's prepare stage
        // (plan_json '' and price 0 until then); an estimate job is prepared and ends with its price.
        """
        ALTER TABLE jobs ADD COLUMN estimate_only {int} NOT NULL DEFAULT 0;
        """,
        // Per-account storage quota: the bytes an account keeps (uploads, results), its own quota
        // (NULL: UPRES_STORAGE_QUOTA_MB; 0: none) and the bytes each job's files were counted for.
        // Existing uploads are counted; results stored before this step are not.
        """
        ALTER TABLE accounts ADD COLUMN storage_used {int} NOT NULL DEFAULT 0;
        ALTER TABLE accounts ADD COLUMN storage_quota {int};
        ALTER TABLE jobs ADD COLUMN stored_bytes {int} NOT NULL DEFAULT 0;
        UPDATE accounts SET storage_used = COALESCE((SELECT SUM(u.size_bytes) FROM uploads u WHERE u.account_id = accounts.id AND u.deleted_at IS NULL), 0);
        """,
    ];

    public static async Task ApplyAsync(IUpresDatabase database, DbConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)", cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<long>(new CommandDefinition("SELECT version FROM schema_migrations", cancellationToken: cancellationToken))).ToHashSet();
        for (var i = 0; i < Steps.Length; i++)
        {
            var version = i + 1;
            if (applied.Contains(version))
            {
                continue;
            }

            await using var tx = await database.BeginWriteAsync(connection, cancellationToken);
            // Another process may have applied it between our read and our write lock.
            var done = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM schema_migrations WHERE version = @version", new { version }, tx, cancellationToken: cancellationToken));
            if (done == 0)
            {
                if (Steps[i].Only is null || Steps[i].Only == database.Provider)
                {
                    await connection.ExecuteAsync(new CommandDefinition(Render(Steps[i].Sql, database.Provider), transaction: tx, cancellationToken: cancellationToken));
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @at)",
                    new { version, at = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture) }, tx, cancellationToken: cancellationToken));
            }

            await tx.CommitAsync(cancellationToken);
        }
    }

    private static string Render(string sql, DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => sql.Replace("{serial}", "INTEGER PRIMARY KEY AUTOINCREMENT", StringComparison.Ordinal)
            .Replace("{int}", "INTEGER", StringComparison.Ordinal).Replace("{real}", "REAL", StringComparison.Ordinal),
        _ => sql.Replace("{serial}", "BIGSERIAL PRIMARY KEY", StringComparison.Ordinal)
            .Replace("{int}", "BIGINT", StringComparison.Ordinal).Replace("{real}", "DOUBLE PRECISION", StringComparison.Ordinal),
    };
}

/// One schema step; `Only` limits it to one database (a PostgreSQL trigger). A plain SQL string is a
/// step for both.
internal readonly record struct MigrationStep(string Sql, DatabaseProvider? Only = null)
{
    public static implicit operator MigrationStep(string sql) => new(sql);
}
