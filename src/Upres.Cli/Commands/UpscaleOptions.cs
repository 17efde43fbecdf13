using System.CommandLine;
using System.Globalization;
using Upres.Engine.Pipeline;

namespace Upres.Cli.Commands;

/// The `upscale` arguments, and their translation into the engine's request.
internal sealed class UpscaleOptions
{
    public Argument<FileInfo> Input { get; } = new("input") { Description = "Video to upscale" };
    public Argument<FileInfo> Output { get; } = new("output") { Description = "Where to write the result (its extension picks the container unless --container is given)" };
    public Option<string?> Model { get; } = new("--model", "-m") { Description = "Model name (see `upres models`), or none for a classical resize; default depends on the scale" };
    public Option<int?> Scale { get; } = new("--scale", "-s") { Description = "Output = input x N (2, 3 or 4)" };
    public Option<string?> Size { get; } = new("--size") { Description = "Exact output size WxH (W or H may be omitted: 1920x or x1080)" };
    public Option<FitMode> Fit { get; } = new("--fit") { Description = "With --size: pad (keep aspect, pad), crop, or stretch", DefaultValueFactory = _ => FitMode.Pad };
    public Option<long?> Start { get; } = new("--start") { Description = "Start at this many milliseconds" };
    public Option<long?> Duration { get; } = new("--duration") { Description = "Process this many milliseconds" };
    public Option<double?> MaxFps { get; } = new("--max-fps") { Description = "Cap the output frame rate" };
    public Option<double?> Fps { get; } = new("--fps") { Description = "Interpolate (RIFE v4.6) to exactly this frame rate before upscaling, e.g. 60; the duration and audio stay as they are, scene cuts repeat a frame" };
    public Option<bool> VfrInterpolate { get; } = new("--vfr-interpolate") { Description = "With --fps: also interpolate a variable-frame-rate source (put on a constant grid at its average rate first); without it such a source is refused" };
    public Option<VideoCodec> Codec { get; } = new("--codec") { Description = "h264, h265, vp9, av1 or prores", DefaultValueFactory = _ => VideoCodec.H264 };
    public Option<ContainerFormat?> Container { get; } = new("--container") { Description = "mp4, mkv, mov, webm or avi" };
    public Option<int?> Crf { get; } = new("--crf") { Description = "Constant quality (codec's scale)" };
    public Option<int?> Bitrate { get; } = new("--bitrate") { Description = "Target video bitrate in kbit/s" };
    public Option<string?> Preset { get; } = new("--preset") { Description = "Encoder preset (e.g. medium, slow)" };
    public Option<bool> Deinterlace { get; } = new("--deinterlace") { Description = "Deinterlace before upscaling" };
    public Option<int> Denoise { get; } = new("--denoise") { Description = "0..3: denoise strength" };
    public Option<int> Grain { get; } = new("--grain") { Description = "0..100: film grain added after upscaling" };
    public Option<int?> Tile { get; } = new("--tile") { Description = "Tile edge in input pixels (default: automatic)" };
    public Option<int?> Threads { get; } = new("--threads") { Description = "Inference threads (default: all cores)" };
    public Option<string> Provider { get; } = new("--provider") { Description = "cpu, webgpu or cuda", DefaultValueFactory = _ => "cpu" };
    public Option<double?> HoldThreshold { get; } = new("--hold-threshold") { Description = $"A frame whose PSNR against the last upscaled frame is at least this many dB reuses its output (default {HeldFramePolicy.DefaultThresholdDb}, at least {HeldFramePolicy.MinThresholdDb})" };
    public Option<bool> NoHold { get; } = new("--no-hold") { Description = "Run the model on every frame, repeated ones included" };

    public void AddTo(Command command)
    {
        command.Arguments.Add(Input);
        command.Arguments.Add(Output);
        foreach (Option o in new Option[] { Model, Scale, Size, Fit, Start, Duration, MaxFps, Fps, VfrInterpolate, Codec, Container, Crf, Bitrate, Preset, Deinterlace, Denoise, Grain, Tile, Threads, Provider, HoldThreshold, NoHold })
        {
            command.Options.Add(o);
        }
    }

    public UpscaleRequest ToRequest(ParseResult parse)
    {
        var (width, height) = ParseSize(parse.GetValue(Size));
        return new UpscaleRequest
        {
            InputPath = parse.GetRequiredValue(Input).FullName,
            OutputPath = parse.GetRequiredValue(Output).FullName,
            Model = parse.GetValue(Model),
            Scale = parse.GetValue(Scale),
            Width = width,
            Height = height,
            Fit = parse.GetValue(Fit),
            StartMs = parse.GetValue(Start),
            DurationMs = parse.GetValue(Duration),
            MaxFps = parse.GetValue(MaxFps),
            TargetFps = parse.GetValue(Fps),
            InterpolateVfr = parse.GetValue(VfrInterpolate),
            Codec = parse.GetValue(Codec),
            Container = parse.GetValue(Container),
            Crf = parse.GetValue(Crf),
            BitrateKbps = parse.GetValue(Bitrate),
            Preset = parse.GetValue(Preset),
            Deinterlace = parse.GetValue(Deinterlace),
            Denoise = parse.GetValue(Denoise),
            FilmGrain = parse.GetValue(Grain),
            TileSize = parse.GetValue(Tile),
            HeldFrames = HeldFrames(parse.GetValue(NoHold), parse.GetValue(HoldThreshold)),
        };
    }

    private static HeldFramePolicy? HeldFrames(bool off, double? thresholdDb)
    {
        if (thresholdDb is { } db && !HeldFramePolicy.IsValidThreshold(db))
        {
            throw new UpscaleException(UpscaleErrorCodes.InvalidHoldThreshold, string.Create(CultureInfo.InvariantCulture,
                $"--hold-threshold must be at least {HeldFramePolicy.MinThresholdDb} dB, not {db}"));
        }

        return off ? HeldFramePolicy.Off : thresholdDb is { } t ? new HeldFramePolicy(true, t) : null;
    }

    internal static (int? Width, int? Height) ParseSize(string? size)
    {
        if (string.IsNullOrWhiteSpace(size))
        {
            return (null, null);
        }

        var parts = size.ToLowerInvariant().Split('x');
        if (parts.Length != 2 || (parts[0].Length == 0 && parts[1].Length == 0))
        {
            throw new UpscaleException(UpscaleErrorCodes.InvalidSize, $"--size must look like 1920x1080, 1920x or x1080, not '{size}'");
        }

        return (ParseDim(parts[0], size), ParseDim(parts[1], size));
    }

    private static int? ParseDim(string text, string whole)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 16 || value > 16384)
        {
            throw new UpscaleException(UpscaleErrorCodes.InvalidSize, $"--size '{whole}': each side must be a whole number from 16 to 16384");
        }

        return value;
    }
}
