using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Upres.Service.Hosting;
using Upres.Service.Jobs;
using Upres.Service.Uploads;

namespace Upres.Service.Storage;

/// Deletes inputs and results older than UPRES_RETENTION_HOURS, on a schedule. Jobs and their
/// ledger rows stay; only the files go (the job then shows no result link).
public sealed partial class RetentionService(IJobStore jobs, IUploadStore uploads, StorageRoot storage, IOptions<UpresOptions> options, TimeProvider clock, ILogger<RetentionService> logger) : BackgroundService
{
    private readonly Outage _outage = new(clock);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Clamp(options.Value.Retention.TotalSeconds / 10, 1, 3600));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
                if (_outage.Succeeded() is { } lasted)
                {
                    LogBack(lasted.TotalSeconds);
                }

                await Task.Delay(interval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (Outage.Is(e))
            {
                if (_outage.Failed())
                {
                    LogOutage(e.Message);
                }

                await Task.Delay(interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception e)
            {
                LogError(e);
                await Task.Delay(interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - options.Value.Retention;
        foreach (var job in await jobs.ExpiredFilesAsync(cutoff, cancellationToken))
        {
            JobService.DeleteFiles(job, storage);
            await jobs.MarkFilesDeletedAsync(job.Id, cancellationToken);
        }

        foreach (var upload in await uploads.ExpiredAsync(cutoff, cancellationToken))
        {
            storage.DeleteFile(upload.Key);
            storage.DeleteFile(upload.Key + Upres.Service.Dialects.Kokoon.KokoonFiles.ThumbnailSuffix);
            await uploads.MarkDeletedAsync(upload.Id, cancellationToken);
        }

        SweepStaging();
    }

    /// Staged results of workers that died between staging and committing are an hour old at most.
    internal void SweepStaging() => storage.SweepStaging(clock.GetUtcNow() - TimeSpan.FromHours(1));

    [LoggerMessage(Level = LogLevel.Error, Message = "retention sweep failed")]
    private partial void LogError(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "retention sweep waits: the database or the disk is unavailable or full ({Reason}); said again each minute it lasts")]
    private partial void LogOutage(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "retention sweep runs again after {Seconds:0} s")]
    private partial void LogBack(double seconds);
}
