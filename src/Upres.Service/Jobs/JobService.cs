using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Upres.Engine.Media;
using Upres.Service.Accounts;
using Upres.Service.Billing;
using Upres.Service.Data;
using Upres.Service.Hosting;
using Upres.Service.Metrics;
using Upres.Service.Problems;
using Upres.Service.Security;
using Upres.Service.Storage;
using Upres.Service.Uploads;

namespace Upres.Service.Jobs;

/// The job core every door uses: create (probe, plan, price, reserve, queue), read, cancel, delete.
/// Refusals are ServiceExceptions with stable codes, which each door renders in its own shape.
public sealed class JobService(
    IJobStore store,
    IUploadStore uploads,
    IAccountStore accounts,
    MediaGuard mediaGuard,
    UrlFetcher fetcher,
    PriceTable prices,
    ModelOffers models,
    ResultLinks links,
    JobQueueSignal signal,
    RunningJobs running,
    StorageRoot storage,
    StorageSpace space,
    UpresMetrics metrics,
    IOptions<UpresOptions> options)
{
    public async Task<JobCreation> CreateAsync(NewJob request, CancellationToken cancellationToken)
    {
        if (!request.EstimateOnly)
        {
            space.EnsureRoomForNewWork();
        }

        var spec = request.Spec;
        if (spec.Model is { } requested)
        {
            try
            {
                spec = spec with { Model = models.Resolve(spec.Model, spec.Scale ?? 2) };
            }
            catch (KeyNotFoundException)
            {
                throw new ServiceException(Errors.UnknownModel(requested));
            }
        }

        JobSpecValidator.Validate(spec, models.ModelNames);
        if ((request.Input.UploadId is null) == (request.Input.Url is null))
        {
            throw new ServiceException(Errors.Validation("Give exactly one of 'input.upload_id' and 'input.url'."));
        }

        if (request.WebhookUrl is not null)
        {
            UrlGuard.ParseAndCheckForm(request.WebhookUrl);
        }

        if (request.IdempotencyKey is { Length: > 200 })
        {
            throw new ServiceException(Errors.Validation("The Idempotency-Key is longer than 200 characters."));
        }

        request = request with { Spec = spec };
        var hash = RequestHash(request);
        if (request.IdempotencyKey is not null && !request.EstimateOnly
            && await store.FindByIdempotencyKeyAsync(request.AccountId, request.IdempotencyKey, cancellationToken) is { } earlier)
        {
            return Replay(earlier.Job, earlier.RequestHash, hash);
        }

        // Every job costs at least one credit: an account without one cannot make us fetch a URL.
        // The exact price is known only after the probe and is reserved atomically at insert.
        if (request.Input.Url is not null && !request.EstimateOnly
            && await accounts.GetAsync(request.AccountId, cancellationToken) is { Available: < 1 } account)
        {
            throw new ServiceException(Errors.InsufficientCredits(1, account.Available));
        }

        var jobId = Ids.New("job");
        var (inputKey, ownsInput, probe) = await ResolveInputAsync(request, jobId, cancellationToken);
        try
        {
            var plan = OutputPlanner.Plan(probe, spec);
            var query = request.PriceQueryFor?.Invoke(plan)
                ?? new PriceQuery(PriceQuery.BillableSecondsOf(plan.Duration), plan.Width, plan.Height, plan.FrameRate,
                    spec.UseSr ? spec.Model : Upres.Engine.UpscaleEngine.NoSuperResolution, spec.Scale);
            var quote = prices.Quote(query);
            var estimate = Estimate(plan);
            if (request.EstimateOnly)
            {
                DeleteOwned(inputKey, ownsInput);
                return new JobCreation(null, quote, plan, estimate, false);
            }

            var job = new JobRecord
            {
                Id = jobId,
                AccountId = request.AccountId,
                Dialect = request.Dialect,
                Status = JobStatus.Queued,
                Spec = spec,
                Input = request.Input,
                Plan = plan,
                Price = quote.Credits,
                EstimateSeconds = estimate,
                IdempotencyKey = request.IdempotencyKey,
                WebhookUrl = request.WebhookUrl,
                WebhookProgress = request.WebhookProgress,
                MetadataJson = request.MetadataJson,
                DialectData = request.DialectData,
                MaxAttempts = options.Value.MaxAttempts,
                InputKey = inputKey,
                OwnsInput = ownsInput,
                FramesTotal = plan.Frames,
            };
            var (stored, inserted, existingHash) = await store.InsertAsync(job, hash, cancellationToken);
            if (!inserted)
            {
                DeleteOwned(inputKey, ownsInput);
                return Replay(stored, existingHash, hash);
            }

            metrics.JobCreated();
            signal.Notify();
            return new JobCreation(stored, quote, plan, estimate, false);
        }
        catch
        {
            DeleteOwned(inputKey, ownsInput);
            throw;
        }
    }

    /// A job of this account (deleted jobs are gone); null otherwise.
    public async Task<JobRecord?> GetAsync(string accountId, string jobId, CancellationToken cancellationToken)
        => await store.GetAsync(jobId, cancellationToken) is { } job && job.AccountId == accountId && !IsDeleted(job) ? job : null;

    public Task<IReadOnlyList<JobRecord>> ListAsync(JobListQuery query, CancellationToken cancellationToken) => store.ListAsync(query, cancellationToken);

    /// The signed download link of a completed job whose file is still kept.
    public ResultLink? ResultLinkFor(JobRecord job)
        => job.Status == JobStatus.Completed && job.Result is not null && job.FilesDeletedAt is null ? links.Create(job.Id) : null;

    public async Task<JobRecord> CancelAsync(string accountId, string jobId, CancellationToken cancellationToken)
    {
        var job = await GetAsync(accountId, jobId, cancellationToken) ?? throw new ServiceException(Errors.NotFound("job", jobId));
        if (job.Status.IsTerminal())
        {
            throw new ServiceException(Errors.JobNotCancellable(job.Status.ToWire()));
        }

        var after = await store.RequestCancelAsync(jobId, cancellationToken) ?? job;
        // Reach the running job now rather than at its next heartbeat.
        running.Cancel(jobId);
        return after;
    }

    public async Task DeleteAsync(string accountId, string jobId, CancellationToken cancellationToken)
    {
        var job = await GetAsync(accountId, jobId, cancellationToken) ?? throw new ServiceException(Errors.NotFound("job", jobId));
        if (!job.Status.IsTerminal())
        {
            throw new ServiceException(Errors.JobActive());
        }

        await store.MarkDeletedAsync(jobId, cancellationToken);
        DeleteFiles(job, storage);
        await store.MarkFilesDeletedAsync(jobId, cancellationToken);
    }

    internal static void DeleteFiles(JobRecord job, StorageRoot storage)
    {
        if (job.OwnsInput)
        {
            storage.DeleteFile(job.InputKey);
        }

        storage.DeleteFolder(StorageRoot.ResultFolderKey(job.Id));
    }

    private static bool IsDeleted(JobRecord job) => job.DeletedAt is not null;

    private static JobCreation Replay(JobRecord job, string storedHash, string hash)
    {
        if (!string.Equals(storedHash, hash, StringComparison.Ordinal))
        {
            throw new ServiceException(Errors.IdempotencyKeyReused());
        }

        return new JobCreation(job, new PriceQuote(job.Price, PriceQuery.BillableSecondsOf(job.Plan.Duration), 0, "", new PriceQuery(0, job.Plan.Width, job.Plan.Height, job.Plan.FrameRate)),
            job.Plan, job.EstimateSeconds, Replayed: true);
    }

    private async Task<(string Key, bool Owns, MediaInfo Probe)> ResolveInputAsync(NewJob request, string jobId, CancellationToken cancellationToken)
    {
        if (request.Input.UploadId is { } uploadId)
        {
            var upload = await uploads.GetAsync(request.AccountId, uploadId, cancellationToken)
                ?? throw new ServiceException(Errors.NotFound("upload", uploadId));
            var probe = JsonSerializer.Deserialize<MediaInfo>(upload.ProbeJson)!;
            return (upload.Key, false, probe);
        }

        var key = StorageRoot.InputKey(jobId);
        var path = storage.PrepareWrite(key);
        await fetcher.DownloadAsync(request.Input.Url!, path, cancellationToken);
        try
        {
            return (key, true, await mediaGuard.InspectAsync(path, cancellationToken));
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private double Estimate(OutputPlan plan)
        => 2 + (plan.Frames * (double)plan.Width * plan.Height / options.Value.EstimatePixelsPerSecond);

    private void DeleteOwned(string key, bool owns)
    {
        if (owns)
        {
            storage.DeleteFile(key);
        }
    }

    private static string RequestHash(NewJob r)
    {
        var canonical = JsonSerializer.Serialize(new { r.Dialect, r.Input, r.Spec, r.WebhookUrl, r.WebhookProgress, r.MetadataJson, r.DialectData });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
