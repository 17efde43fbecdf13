using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Upres.Service.Accounts;
using Upres.Service.Problems;
using Upres.Service.Webhooks;

namespace Upres.Service.Jobs;

public static class JobsApi
{
    public sealed record EstimateView(long Price, long BillableSeconds, string PriceTier, double EstimateSeconds, JobView.OutputView Output);

    public sealed record JobPage(IReadOnlyList<JobView> Data, string? NextCursor);

    public sealed record ModelsView(IReadOnlyList<ModelOffer> Models, IReadOnlyList<ModelOffer> Presets);

    public sealed record WebhookMessageView(string Id, string EventType, string Url, string Status, int Attempts, int? LastStatusCode, string? LastError,
        DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, DateTimeOffset? NextAttemptAt, IReadOnlyList<WebhookAttempt> AttemptLog);

    public static RouteGroupBuilder MapJobs(this RouteGroupBuilder v1)
    {
        v1.MapPost("/jobs", Create).WithName("CreateJob");
        v1.MapGet("/jobs", List).WithName("ListJobs");
        v1.MapGet("/jobs/{id}", Get).WithName("GetJob");
        v1.MapPost("/jobs/{id}/cancel", Cancel).WithName("CancelJob");
        v1.MapDelete("/jobs/{id}", Delete).WithName("DeleteJob");
        v1.MapGet("/jobs/{id}/events", Events).WithName("JobEvents");
        v1.MapGet("/jobs/{id}/webhooks", Webhooks).WithName("JobWebhooks");
        v1.MapGet("/models", (ModelOffers offers) => TypedResults.Ok(new ModelsView(offers.Models, offers.Presets))).WithName("ListModels");
        return v1;
    }

    public static async Task<Results<Created<JobView>, Accepted<JobView>, Ok<JobView>, Ok<EstimateView>, ProblemHttpResult>> Create(
        CreateJobBody body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CurrentAccount me, JobService jobs, HttpContext http, CancellationToken ct)
    {
        try
        {
            var created = await jobs.CreateAsync(new NewJob
            {
                AccountId = me.Id,
                Input = new JobInput(body.Input?.UploadId, body.Input?.Url),
                Spec = body.ToSpec(),
                IdempotencyKey = string.IsNullOrWhiteSpace(idempotencyKey) ? null : idempotencyKey.Trim(),
                WebhookUrl = string.IsNullOrWhiteSpace(body.WebhookUrl) ? null : body.WebhookUrl,
                WebhookProgress = body.WebhookProgress ?? false,
                MetadataJson = body.Metadata is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } m ? m.GetRawText() : null,
                EstimateOnly = body.EstimateOnly ?? false,
            }, ct);
            if (created.Job is null)
            {
                // An upload's estimate, answered at once (its probe was made when it arrived).
                var p = created.Plan!;
                return TypedResults.Ok(new EstimateView(created.Quote!.Credits, created.Quote.BillableSeconds, created.Quote.Tier, Math.Round(created.EstimateSeconds, 1),
                    new JobView.OutputView(p.Width, p.Height, p.FrameRate, p.Duration.TotalSeconds, p.Frames)));
            }

            var view = JobView.From(created.Job, jobs.ResultLinkFor(created.Job));
            if (created.Replayed)
            {
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return TypedResults.Ok(view);
            }

            // A URL's estimate is a job the worker prepares: GET it for the price, nothing is charged.
            return created.Job.EstimateOnly
                ? TypedResults.Accepted($"/v1/jobs/{created.Job.Id}", view)
                : TypedResults.Created($"/v1/jobs/{created.Job.Id}", view);
        }
        catch (ServiceException e)
        {
            return e.Error.ToProblem();
        }
    }

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> Get(string id, CurrentAccount me, JobService jobs, CancellationToken ct)
        => await jobs.GetAsync(me.Id, id, ct) is { } job ? TypedResults.Ok(JobView.From(job, jobs.ResultLinkFor(job))) : Errors.NotFound("job", id).ToProblem();

    public static async Task<Results<Ok<JobPage>, ProblemHttpResult>> List(
        CurrentAccount me, JobService jobs, CancellationToken ct, string? status = null, string? dialect = null,
        DateTimeOffset? createdAfter = null, DateTimeOffset? createdBefore = null, string? cursor = null, int? limit = null)
    {
        JobStatus? s = null;
        if (status is not null)
        {
            try
            {
                s = JobStatusNames.Parse(status);
            }
            catch (ArgumentOutOfRangeException)
            {
                return Errors.Validation("'status' must be queued, processing, completed, failed or cancelled.").ToProblem();
            }
        }

        var n = Math.Clamp(limit ?? 20, 1, 100);
        var page = await jobs.ListAsync(new JobListQuery(me.Id, s, dialect, createdAfter, createdBefore, cursor, n + 1), ct);
        var data = page.Take(n).Select(j => JobView.From(j, jobs.ResultLinkFor(j))).ToList();
        return TypedResults.Ok(new JobPage(data, page.Count > n ? data[^1].Id : null));
    }

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> Cancel(string id, CurrentAccount me, JobService jobs, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(JobView.From(await jobs.CancelAsync(me.Id, id, ct), null));
        }
        catch (ServiceException e)
        {
            return e.Error.ToProblem();
        }
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, CurrentAccount me, JobService jobs, CancellationToken ct)
    {
        try
        {
            await jobs.DeleteAsync(me.Id, id, ct);
            return TypedResults.NoContent();
        }
        catch (ServiceException e)
        {
            return e.Error.ToProblem();
        }
    }

    public static async Task<Results<Ok<IReadOnlyList<WebhookMessageView>>, ProblemHttpResult>> Webhooks(string id, CurrentAccount me, JobService jobs, IWebhookStore store, CancellationToken ct)
    {
        if (await jobs.GetAsync(me.Id, id, ct) is null)
        {
            return Errors.NotFound("job", id).ToProblem();
        }

        var messages = await store.ForJobAsync(id, ct);
        return TypedResults.Ok<IReadOnlyList<WebhookMessageView>>([.. messages.Select(m => new WebhookMessageView(
            m.Message.Id, m.Message.EventType, m.Message.Url, m.Message.Status, m.Message.Attempts, m.Message.LastStatusCode, m.Message.LastError,
            m.Message.CreatedAt, m.Message.CompletedAt, m.Message.Status == WebhookStatus.Pending ? m.Message.NextAttemptAt : null, m.Attempts))]);
    }

    /// Progress as Server-Sent Events: one `job` event whenever the job changes, ending with `done` at a
    /// final state. A stream waits on JobChanges (no database read until the job changes; the job is
    /// sent again every 15 s as a keep-alive). At most UPRES_EVENT_STREAMS_PER_KEY streams per key.
    public static async Task<Results<ServerSentEventsResult<JobView>, ProblemHttpResult>> Events(
        string id, CurrentAccount me, JobService jobs, JobChanges changes, EventStreamSlots slots, HttpContext http, CancellationToken ct)
    {
        var job = await jobs.GetAsync(me.Id, id, ct);
        if (job is null)
        {
            return Errors.NotFound("job", id).ToProblem();
        }

        var slot = slots.TryTake(ApiKeyHash.Of(ApiKeyFilter.BearerToken(http.Request) ?? ""));
        if (slot is null)
        {
            return Errors.TooManyStreams(slots.Limit).ToProblem();
        }

        // The slot goes back when the request ends, however the stream ends (or if it never starts).
        http.Response.RegisterForDispose(slot);
        return TypedResults.ServerSentEvents(Stream(me.Id, id, jobs, changes, ct));
    }

    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    private static async IAsyncEnumerable<SseItem<JobView>> Stream(string accountId, string id, JobService jobs, JobChanges changes, [EnumeratorCancellation] CancellationToken ct)
    {
        using var watch = changes.Watch(id);
        DateTimeOffset? last = null;
        var keepAlive = false;
        while (!ct.IsCancellationRequested)
        {
            var changed = watch.Next;
            var job = await jobs.GetAsync(accountId, id, ct);
            if (job is null)
            {
                yield break;
            }

            if (job.UpdatedAt != last || keepAlive)
            {
                last = job.UpdatedAt;
                yield return new SseItem<JobView>(JobView.From(job, jobs.ResultLinkFor(job)), job.Status.IsTerminal() ? "done" : "job");
            }

            if (job.Status.IsTerminal())
            {
                yield break;
            }

            keepAlive = !await Changed(changed, ct);
        }
    }

    private static async Task<bool> Changed(Task changed, CancellationToken ct)
    {
        try
        {
            await changed.WaitAsync(KeepAlive, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
