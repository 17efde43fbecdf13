using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Upres.Service.Hosting;
using Upres.Service.Jobs;
using Upres.Service.Storage;
using Upres.Service.Uploads;

namespace Upres.Service.Dialects.Kokoon;

/// Jobs and uploads in kokoon's words: the video object (an original or an SR result) and the task.
public sealed class KokoonViews(JobService jobs, ResultLinks links, PublicBaseUrl baseUrl, IOptions<UpresOptions> options, IOptions<DialectOptions> dialect)
{
    public TimeSpan OriginalLifetime => TimeSpan.FromDays(dialect.Value.KokoonOriginalDays);

    public KokoonVideo Original(UploadRecord upload, MediaInfo probe)
    {
        var video = probe.Video;
        var fps = video?.FrameRate ?? 0;
        var (url, thumb) = KokoonFiles.LinksFor(upload, links, baseUrl, options.Value);
        return new KokoonVideo
        {
            Uid = upload.AccountId,
            Vid = upload.Id,
            CreatedTime = KokoonDialect.Timestamp(upload.CreatedAt),
            Filename = upload.FileName ?? upload.Id,
            Size = upload.SizeBytes,
            CodecName = video?.CodecName,
            Fps = KokoonDialect.FpsRational(fps),
            Duration = KokoonDialect.Seconds(probe.Duration),
            NbFrames = InputFrames(probe).ToString(CultureInfo.InvariantCulture),
            Bitrate = Bitrate(upload.SizeBytes, probe.Duration),
            Width = video?.Width ?? 0,
            Height = video?.Height ?? 0,
            ExpiredTime = KokoonDialect.Timestamp(upload.KeptUntil ?? upload.CreatedAt + options.Value.Retention),
            State = "completed",
            Progress = 100,
            Url = url,
            ThumbUrl = thumb,
            IsRotated = video is { Rotation: not 0 },
            IsInterlaced = video?.FieldOrder is { } order && order is not ("progressive" or "unknown"),
        };
    }

    public KokoonVideo Result(JobRecord job)
    {
        var data = Data(job);
        var result = job.Status == JobStatus.Completed ? job.Result : null;
        var duration = result?.Duration ?? job.Plan.Duration;
        var fps = result?.FrameRate ?? job.Plan.FrameRate;
        var baseName = Path.GetFileNameWithoutExtension(data?.Filename ?? job.Input.UploadId ?? job.Id);
        return new KokoonVideo
        {
            Uid = job.AccountId,
            Vid = KokoonIds.OutVid(job.Id),
            Pid = data?.InVid ?? job.Input.UploadId ?? KokoonVideo.NilId,
            Tid = job.Id,
            CreatedTime = KokoonDialect.Timestamp(job.CreatedAt),
            Filename = baseName + "_sr" + job.Spec.FileExtension,
            Size = result?.SizeBytes ?? 0,
            CodecName = CodecName(job.Spec.Codec),
            Fps = KokoonDialect.FpsRational(fps),
            Duration = KokoonDialect.Seconds(duration),
            NbFrames = (result?.Frames ?? job.Plan.Frames).ToString(CultureInfo.InvariantCulture),
            Bitrate = result is null ? "0" : Bitrate(result.SizeBytes, result.Duration),
            Width = result?.Width ?? job.Plan.Width,
            Height = result?.Height ?? job.Plan.Height,
            ExpiredTime = KokoonDialect.Timestamp((job.FinishedAt ?? job.CreatedAt) + options.Value.Retention),
            State = KokoonDialect.State(job.Status),
            Progress = Percent(job),
            Url = job.Status == JobStatus.Completed ? jobs.ResultLinkFor(job)?.Url.ToString() : null,
            LastCategory = data?.Category,
            Error = job.Status switch
            {
                JobStatus.Failed => job.ErrorMessage ?? job.ErrorCode ?? "failed",
                JobStatus.Cancelled => "cancelled",
                _ => null,
            },
        };
    }

    /// The task; `original` is the input video when it still exists (for its frame count and
    /// bitrate, and the preview's original link).
    public KokoonTask Task(JobRecord job, (UploadRecord Upload, MediaInfo Probe)? original)
    {
        var summary = Summary(job, original);
        var data = Data(job);
        var done = job.Status == JobStatus.Completed ? jobs.ResultLinkFor(job)?.Url.ToString() : null;
        var preview = summary.TaskType == "SR_PREVIEW";
        return new KokoonTask
        {
            RequestBody = data?.RequestBody,
            Uid = summary.Uid,
            Tid = summary.Tid,
            InVid = summary.InVid,
            OutVid = summary.OutVid,
            TaskType = summary.TaskType,
            Step = summary.Step,
            Filename = summary.Filename,
            RequestTime = summary.RequestTime,
            StartTime = summary.StartTime,
            FinishTime = summary.FinishTime,
            ResultMessage = job.Status switch
            {
                JobStatus.Completed => "success",
                JobStatus.Failed => job.ErrorMessage ?? job.ErrorCode ?? "failed",
                JobStatus.Cancelled => "cancelled",
                _ => "",
            },
            Bitrate = original is { } o ? Bitrate(o.Upload.SizeBytes, o.Probe.Duration) : "0",
            Fps = KokoonDialect.FpsRational(job.Plan.SourceFrameRate),
            NbFrames = summary.NbFrames,
            SrNbFrames = summary.SrNbFrames,
            Progress = summary.Progress,
            PreviewOrigUrl = preview && done is not null && original is { } p ? KokoonFiles.LinksFor(p.Upload, links, baseUrl, options.Value).Url : null,
            PreviewSrUrl = preview ? done : null,
            SrUrl = preview ? null : done,
        };
    }

    public KokoonTaskSummary Summary(JobRecord job, (UploadRecord Upload, MediaInfo Probe)? original)
    {
        var data = Data(job);
        var finished = job.Status.IsTerminal() ? job.FinishedAt : null;
        return new KokoonTaskSummary(
            job.Id,
            job.AccountId,
            data?.InVid ?? job.Input.UploadId ?? KokoonVideo.NilId,
            KokoonIds.OutVid(job.Id),
            data?.TaskType ?? (job.Spec.Preview ? "SR_PREVIEW" : "SR"),
            KokoonDialect.Step(job.Status),
            data?.Filename ?? original?.Upload.FileName ?? job.Input.UploadId ?? job.Id,
            KokoonDialect.Timestamp(job.CreatedAt),
            job.StartedAt is { } started ? KokoonDialect.Timestamp(started) : null,
            finished is { } f ? KokoonDialect.Timestamp(f) : null,
            (original is { } o ? InputFrames(o.Probe) : (long)Math.Round(job.Plan.SourceFrameRate * job.Plan.Duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
            (job.Result?.Frames ?? job.Plan.Frames).ToString(CultureInfo.InvariantCulture),
            Percent(job).ToString(CultureInfo.InvariantCulture));
    }

    public static KokoonJobData? Data(JobRecord job) =>
        job.DialectData is not null && job.Dialect == KokoonDialect.Name
            ? JsonSerializer.Deserialize<KokoonJobData>(job.DialectData, DialectJson.Options)
            : null;

    private static int Percent(JobRecord job) => job.Status == JobStatus.Completed ? 100 : Math.Clamp((int)Math.Floor(job.Progress * 100), 0, 100);

    private static long InputFrames(MediaInfo probe)
    {
        var video = probe.Video;
        return video?.FrameCount ?? (long)Math.Round((video?.FrameRate ?? 0) * probe.Duration.TotalSeconds);
    }

    private static string CodecName(VideoCodec codec) => codec switch
    {
        VideoCodec.H265 => "hevc",
        VideoCodec.Vp9 => "vp9",
        VideoCodec.Av1 => "av1",
        VideoCodec.ProRes => "prores",
        _ => "h264",
    };

    private static string Bitrate(long sizeBytes, TimeSpan duration) =>
        duration.TotalSeconds > 0 ? ((long)(sizeBytes * 8 / duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture) : "0";
}
