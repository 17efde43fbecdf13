using System.Text.Json.Nodes;
using Upres.Service.Storage;

namespace Upres.Service.Jobs;

/// The native API's job resource.
public sealed record JobView(
    string Id,
    string Status,
    string Dialect,
    double Progress,
    long FramesDone,
    long FramesTotal,
    double Fps,
    double? EtaSeconds,
    long Price,
    double EstimateSeconds,
    JobView.InputView Input,
    JobView.OutputView? Output,
    JobSpec Spec,
    JobView.ErrorView? Error,
    JobView.ResultView? Result,
    int Attempts,
    bool CancelRequested,
    bool EstimateOnly,
    JsonNode? Metadata,
    string? WebhookUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt)
{
    /// Width, height and frame rate are null until a URL input has been fetched and probed.
    public sealed record InputView(string? UploadId, string? Url, int? Width, int? Height, double? FrameRate);

    public sealed record OutputView(int Width, int Height, double FrameRate, double DurationSeconds, long Frames);

    public sealed record ErrorView(string Code, string Message);

    public sealed record ResultView(string Url, DateTimeOffset ExpiresAt, int Width, int Height, double FrameRate, double DurationSeconds, long SizeBytes);

    public static JobView From(JobRecord job, ResultLink? link) => new(
        job.Id,
        job.Status.ToWire(),
        job.Dialect,
        Math.Round(job.Progress * 100, 1),
        job.FramesDone,
        job.FramesTotal,
        Math.Round(job.Fps, 2),
        job.EtaSeconds is { } eta ? Math.Round(eta, 1) : null,
        job.Price,
        Math.Round(job.EstimateSeconds, 1),
        new InputView(job.Input.UploadId, job.Input.Url, job.Plan?.SourceWidth, job.Plan?.SourceHeight, job.Plan?.SourceFrameRate),
        job.Plan is { } plan ? new OutputView(plan.Width, plan.Height, plan.FrameRate, plan.Duration.TotalSeconds, plan.Frames) : null,
        job.Spec,
        job.ErrorCode is null ? null : new ErrorView(job.ErrorCode, job.ErrorMessage ?? ""),
        job.Result is { } r && link is not null && job.FilesDeletedAt is null
            ? new ResultView(link.Url.ToString(), link.ExpiresAt, r.Width, r.Height, r.FrameRate, r.Duration.TotalSeconds, r.SizeBytes)
            : null,
        job.Attempts,
        job.CancelRequested && !job.Status.IsTerminal(),
        job.EstimateOnly,
        job.MetadataJson is null ? null : JsonNode.Parse(job.MetadataJson),
        job.WebhookUrl,
        job.CreatedAt,
        job.StartedAt,
        job.FinishedAt);
}
