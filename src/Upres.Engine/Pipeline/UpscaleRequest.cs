using Upres.Engine.Media;

namespace Upres.Engine.Pipeline;

public enum FitMode { Pad, Crop, Stretch }

public enum VideoCodec { H264, H265, Vp9, Av1, ProRes }

public enum ContainerFormat { Mp4, Mkv, Mov, Webm, Avi }

/// Everything a caller (CLI, service, dialects) can ask of one upscale.
public sealed record UpscaleRequest
{
    public required string InputPath { get; init; }
    public required string OutputPath { get; init; }

    /// The caller's first probe of the input (FfprobeClient): the engine plans from it instead of
    /// probing again, and its Demuxer (the ffmpeg -f name that probe chose) pins every later probe
    /// and ffmpeg run on the input. Null: the engine's own first probe chooses among the accepted
    /// demuxers (EngineOptions.InputFormats) and pins the run to that.
    public MediaInfo? Probe { get; init; }

    /// The plan the caller stored and priced (OutputPlanner.Plan on the same probe). The run is held
    /// to it: a run whose own plan differs in size, frame rate, duration or frames is refused with
    /// plan_mismatch before anything is decoded. Null: no stored plan (the CLI).
    public PlannedOutput? Plan { get; init; }

    /// Catalog name; null picks the catalog default for the scale.
    public string? Model { get; init; }

    /// Output = input x Scale. Ignored when Width/Height are set.
    public int? Scale { get; init; }

    /// Exact output size; one of them may be null to keep the aspect ratio.
    public int? Width { get; init; }
    public int? Height { get; init; }

    /// A resolution class rather than a size: the output's shorter side, the longer one from the
    /// source's display aspect (a portrait source keeps its orientation). Ignored when Width or Height is set.
    public int? ShortSide { get; init; }

    public FitMode Fit { get; init; } = FitMode.Pad;

    public long? StartMs { get; init; }
    public long? DurationMs { get; init; }
    public double? MaxFps { get; init; }

    /// Interpolate (RIFE) to this frame rate before upscaling: 2x, 2.5x, 24 -> 60, or down. The
    /// duration is kept exactly (round(duration x fps) frames), and a scene cut repeats the nearer
    /// frame instead of blending two shots. Null keeps the source's own frames.
    public double? TargetFps { get; init; }

    /// With TargetFps: interpolate a variable-frame-rate source too, after putting its frames on a
    /// constant grid at its average rate (a frame is repeated or dropped where the source's times
    /// stray). Without it such a source is refused with variable_frame_rate.
    public bool InterpolateVfr { get; init; }

    public VideoCodec Codec { get; init; } = VideoCodec.H264;
    /// Null: inferred from the output file's extension.
    public ContainerFormat? Container { get; init; }
    public int? Crf { get; init; }
    public int? BitrateKbps { get; init; }
    public string? Preset { get; init; }

    public bool Deinterlace { get; init; }

    /// An ffmpeg enhancement of the decoded frames before super-resolution, in the same pass.
    public ClassicalFilter Filter { get; init; }
    /// 0 = off; 1..3 = stronger (a denoising model where the catalog has one, else a classical filter).
    public int Denoise { get; init; }
    /// 0 = off; 1..100 strength of synthetic film grain added after SR.
    public int FilmGrain { get; init; }

    /// Tile edge in input pixels; null = automatic (bounded memory).
    public int? TileSize { get; init; }

    /// The frames the caller planned (and priced) from the header. The decoder stops a small margin
    /// past it, and an input that holds more fails with frames_exceed_declared instead of buying
    /// hours of work for the price of its header. Null: no cap (the CLI on the user's own file).
    public long? MaxFrames { get; init; }

    /// The most frames decoded for MaxFrames: 10 % and 5 frames of slack for headers that round.
    public long? FrameLimit => MaxFrames is { } planned ? planned + Math.Max(planned / 10, 5) : null;

    /// Reuse the output of a repeated frame; null = the engine's setting (EngineOptions.HeldFrames).
    public HeldFramePolicy? HeldFrames { get; init; }
}
