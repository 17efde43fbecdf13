using Upres.Engine.Media;
using Upres.Engine.Pipeline;

namespace Upres.Service.Jobs;

/// What to do with the input, in Upres terms: the normalized request every door (native API or a
/// vendor dialect) reduces to. It is stored with the job and becomes the engine's UpscaleRequest.
public sealed record JobSpec
{
    /// Catalog model name; null picks the catalog default for the scale. When UseSr is false the engine
    /// resizes classically instead.
    public string? Model { get; init; }

    /// False: no super-resolution, only a classical resize and the requested filters.
    public bool UseSr { get; init; } = true;

    /// Output = input x Scale (default 2). Ignored when Width or Height is set.
    public int? Scale { get; init; }

    public int? Width { get; init; }
    public int? Height { get; init; }

    /// A resolution class rather than a size: the output's shorter side, the other side from the
    /// source's display aspect (mingyan's 1080p tier makes a portrait 1080x1920 source 1080x1920).
    /// Ignored when Width or Height is set.
    public int? ShortSide { get; init; }

    public FitMode Fit { get; init; } = FitMode.Pad;

    public long? StartMs { get; init; }
    public long? DurationMs { get; init; }
    public double? MaxFps { get; init; }

    /// Interpolate (RIFE) to exactly this frame rate before upscaling; the output has
    /// round(duration x Fps) frames and is priced at that rate. Null keeps the source's frames.
    public double? Fps { get; init; }

    /// With Fps: interpolate a variable-frame-rate source too (first put on a constant grid at its
    /// average rate); without it such a source is refused with variable_frame_rate.
    public bool InterpolateVfr { get; init; }

    /// A short clip of at most PreviewMs from StartMs.
    public bool Preview { get; init; }

    public VideoCodec Codec { get; init; } = VideoCodec.H264;
    public ContainerFormat Container { get; init; } = ContainerFormat.Mp4;
    public int? Crf { get; init; }
    public int? BitrateKbps { get; init; }

    public bool Deinterlace { get; init; }

    /// A vendor's classical enhancement (HitPaw's colour and low-light models), run in the one processing pass.
    public ClassicalFilter Filter { get; init; }

    public int Denoise { get; init; }
    public int FilmGrain { get; init; }

    /// Held frames (a repeated frame reuses the output of the one before): false turns them off;
    /// null leaves them, and the threshold, to the engine's default (HeldFramePolicy).
    public bool? HoldFrames { get; init; }

    public double? HoldThresholdDb { get; init; }

    public const long PreviewMs = 5_000;

    /// The trim that reaches the engine, with the preview cap applied.
    public (long? StartMs, long? DurationMs) EffectiveTrim()
    {
        if (!Preview)
        {
            return (StartMs, DurationMs);
        }

        return (StartMs, DurationMs is > 0 ? Math.Min(DurationMs.Value, PreviewMs) : PreviewMs);
    }

    public string FileExtension => Container switch
    {
        ContainerFormat.Mkv => ".mkv",
        ContainerFormat.Mov => ".mov",
        ContainerFormat.Webm => ".webm",
        ContainerFormat.Avi => ".avi",
        _ => ".mp4",
    };

    /// The engine's request for this spec. JobPlanning plans with it (no plan yet); a run passes the
    /// probe and the plan stored with the job, so the engine plans on the same facts with the same
    /// code, pins every ffmpeg run to the probe's demuxer and is held to the stored plan.
    public UpscaleRequest ToUpscaleRequest(string inputPath, string outputPath, MediaInfo? probe = null, PlannedOutput? plan = null)
    {
        var (start, duration) = EffectiveTrim();
        var sized = Width is not null || Height is not null || ShortSide is not null;
        // A job stored before its probe was kept was planned by an older planner: it runs at its
        // stored size, and is not held to numbers the engine's planner may round differently.
        var legacy = plan is not null && probe is null;
        return new UpscaleRequest
        {
            InputPath = inputPath,
            OutputPath = outputPath,
            Probe = probe,
            Plan = legacy ? null : plan,
            Model = UseSr ? Model : Upres.Engine.UpscaleEngine.NoSuperResolution,
            Scale = sized || legacy ? null : Scale ?? 2,
            Width = legacy ? plan!.Width : Width,
            Height = legacy ? plan!.Height : Height,
            ShortSide = legacy || Width is not null || Height is not null ? null : ShortSide,
            Fit = Fit,
            StartMs = start,
            DurationMs = duration,
            MaxFps = MaxFps,
            TargetFps = Fps,
            InterpolateVfr = InterpolateVfr,
            Codec = Codec,
            Container = Container,
            Crf = Crf,
            BitrateKbps = BitrateKbps,
            Deinterlace = Deinterlace,
            Filter = Filter,
            Denoise = Denoise,
            FilmGrain = FilmGrain,
            // The job was priced on these frames: the engine never decodes materially more.
            MaxFrames = plan?.Frames,
            HeldFrames = HoldFrames == false
                ? HeldFramePolicy.Off
                : HoldThresholdDb is { } db ? new HeldFramePolicy(true, db) : null,
        };
    }
}
