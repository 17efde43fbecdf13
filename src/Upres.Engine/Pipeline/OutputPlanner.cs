using System.Globalization;
using Upres.Engine.Interpolation;
using Upres.Engine.Media;

namespace Upres.Engine.Pipeline;

/// Turns a request and the probed input into an OutputPlan, refusing impossible requests with stable
/// codes. The one planner: the service plans and prices a job with Plan(request, probe) and the
/// engine's run plans with the same code on the same probe, held to the stored plan (UpscaleRequest.Plan).
public static class OutputPlanner
{
    /// What the request will produce from this probe: the numbers to price and store. The request
    /// must say its size (Scale, Width, Height or ShortSide), since the model's own scale is not
    /// known here. Refusals are UpscaleExceptions (invalid_request, unsupported_container_codec,
    /// variable_frame_rate, no_video_stream, ...), the same the run would throw.
    public static PlannedOutput Plan(UpscaleRequest request, MediaInfo probe)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Scale is null && request.Width is null && request.Height is null && request.ShortSide is null)
        {
            throw new ArgumentException("the request must say its size (Scale, Width, Height or ShortSide) to be planned", nameof(request));
        }

        return Plan(request, probe, request.Scale ?? 1).Output;
    }

    /// The refusals that need no input: option ranges and the codec/container pair. Plan makes them
    /// too; a caller checks them before it has the input (a URL not fetched yet).
    public static void Check(UpscaleRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        _ = ResolveContainer(request);
    }

    /// Whether the engine writes this codec into this container (what Plan and Check refuse otherwise).
    public static bool CanWrite(VideoCodec codec, ContainerFormat container) => ContainerRules.Carries(container, codec);

    internal static OutputPlan Plan(UpscaleRequest request, MediaInfo info, int modelScale, bool modelDenoises = false)
    {
        var video = info.Video ?? throw new UpscaleException(UpscaleErrorCodes.NoVideoStream,
            $"'{Path.GetFileName(request.InputPath)}' has no video stream ({info.Streams.Count} other streams)");
        Validate(request);
        var container = ResolveContainer(request);

        if (video.Width <= 0 || video.Height <= 0)
        {
            throw new UpscaleException(UpscaleErrorCodes.UnreadableInput, "the video stream has no frame size");
        }

        var warnings = new List<string>();
        var rotated = video.Rotation is 90 or 270;
        var decodedWidth = rotated ? video.Height : video.Width;
        var decodedHeight = rotated ? video.Width : video.Height;
        if (video.Rotation != 0)
        {
            warnings.Add($"rotation {video.Rotation}° applied to the pixels; the output carries no rotation flag");
        }

        if (video.HasAlpha)
        {
            warnings.Add("the source has an alpha channel; it is dropped (the output is opaque)");
        }

        if (!request.Deinterlace && video.FieldOrder is "tt" or "bb" or "tb" or "bt")
        {
            warnings.Add($"the source is interlaced ({video.FieldOrder}); the model sees combed frames unless deinterlace is on");
        }

        var sixteenBit = video.BitDepth > 8;
        var (outWidth, outHeight, sizeFilters) = TargetSize(request, decodedWidth * modelScale, decodedHeight * modelScale, decodedWidth, decodedHeight);
        var (matrix, range) = VideoEncoding.Colour(video, decodedHeight);

        // The classical filter comes first, on the frames as decoded: what a separate pass over the
        // source used to do, without that pass's second lossy encode.
        var field = new List<string>(FfmpegArguments.Graph(request.Filter));
        if (request.Deinterlace)
        {
            field.Add("bwdif=mode=send_frame:parity=auto:deint=all");
        }

        var sourceRate = video.FrameRate > 0 ? video.FrameRate : 25;
        var cleanup = new List<string>();
        if (request.Denoise > 0 && !modelDenoises)
        {
            cleanup.Add(request.Denoise switch { 1 => "hqdn3d=2:1.5:3:2.25", 2 => "hqdn3d=4:3:6:4.5", _ => "hqdn3d=8:6:12:9" });
        }

        var interpolation = Interpolation(request, video, cleanup, warnings);
        var pipeFormat = sixteenBit ? "rgb48le" : "rgb24";
        IReadOnlyList<string> pixel =
        [
            $"scale=in_color_matrix={matrix.Swscale}:in_range={range}:flags=accurate_rnd+full_chroma_int",
            $"format={pipeFormat}",
        ];

        var outputPixelFormat = VideoEncoding.PixelFormat(request.Codec, sixteenBit);
        var encode = new List<string>(sizeFilters)
        {
            $"scale=out_color_matrix={matrix.Swscale}:out_range={range}:flags=accurate_rnd+full_chroma_int",
            $"format={outputPixelFormat}",
        };
        if (request.FilmGrain > 0)
        {
            encode.Add(string.Create(CultureInfo.InvariantCulture, $"noise=alls={Math.Max(1, request.FilmGrain * 40 / 100)}:allf=t"));
        }

        // A quarter turn swaps the pixel's width and height too.
        var sar = (video.SampleAspectRatio ?? "1:1").Split(':');
        encode.Add(rotated ? $"setsar={sar[^1]}/{sar[0]}" : $"setsar={sar[0]}/{sar[^1]}");

        var start = request.StartMs is { } s ? TimeSpan.FromMilliseconds(s) : (TimeSpan?)null;
        var duration = request.DurationMs is { } d ? TimeSpan.FromMilliseconds(d) : (TimeSpan?)null;
        var effectiveRate = request.MaxFps is { } c2 ? Math.Min(c2, sourceRate) : sourceRate;
        var length = video.Duration ?? info.Duration;
        if (start is { } from && from > TimeSpan.Zero && length > TimeSpan.Zero && from >= length)
        {
            throw new UpscaleException(UpscaleErrorCodes.NoFrames, string.Create(CultureInfo.InvariantCulture,
                $"the trim starts at {from.TotalSeconds:0.###} s, after the end of the input ({length.TotalSeconds:0.###} s)"));
        }

        var available = length - (start ?? TimeSpan.Zero);
        var span = duration is { } dd && dd < available ? dd : available;
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        long estimate;
        if (start is null && duration is null && request.MaxFps is null && video.FrameCount is > 0)
        {
            estimate = video.FrameCount.Value;
        }
        else
        {
            estimate = Math.Max(1, (long)Math.Ceiling(span.TotalSeconds * effectiveRate));
        }

        var nominal = interpolation is not null ? interpolation.Target.ToString()
            : request.MaxFps is { } c3 && c3 < sourceRate ? c3.ToString("R", CultureInfo.InvariantCulture)
            : video.FrameRateFraction ?? "25";
        if (interpolation is not null)
        {
            estimate = Math.Max(1, interpolation.OutputFrames(estimate));
        }

        var plan = new OutputPlan
        {
            Container = container,
            Codec = request.Codec,
            VideoStreamIndex = video.Index,
            InputFormat = info.Demuxer,
            DecodedWidth = decodedWidth,
            DecodedHeight = decodedHeight,
            ModelScale = modelScale,
            OutputWidth = outWidth,
            OutputHeight = outHeight,
            SixteenBitPipe = sixteenBit,
            OutputPixelFormat = outputPixelFormat,
            FieldFilters = field,
            MaxFps = request.MaxFps,
            CleanupFilters = cleanup,
            PixelFilters = pixel,
            EncodeFilters = encode,
            EncoderArguments = [.. VideoEncoding.Arguments(request, container), .. VideoEncoding.ColourTags(video, matrix, range)],
            NominalFrameRate = nominal,
            Start = start,
            Duration = duration,
            EstimatedFrames = estimate,
            Interpolation = interpolation,
            DecodeFrameLimit = request.FrameLimit is { } limit && interpolation is not null ? interpolation.SourceFramesFor(limit) : request.FrameLimit,
            Warnings = warnings,
            Output = new PlannedOutput(
                outWidth, outHeight, interpolation?.Target.PerSecond ?? effectiveRate, span, estimate, decodedWidth, decodedHeight, sourceRate),
        };
        if (request.Plan is { } stored && stored != plan.Output)
        {
            throw new UpscaleException(UpscaleErrorCodes.PlanMismatch,
                $"this run would make {Describe(plan.Output)}, but the job was planned and priced as {Describe(stored)}");
        }

        return plan;
    }

    private static string Describe(PlannedOutput p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.Width}x{p.Height} at {p.FrameRate:0.###} fps, {p.Frames} frames in {p.Duration.TotalSeconds:0.###} s");

    private static ContainerFormat ResolveContainer(UpscaleRequest request)
    {
        var container = ContainerRules.Resolve(request);
        if (!CanWrite(request.Codec, container))
        {
            throw new UpscaleException(UpscaleErrorCodes.UnsupportedContainerCodec,
                $"{Name(request.Codec)} video cannot be written to {Name(container)}; pick another codec or container");
        }

        return container;
    }

    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// The conversion a TargetFps asks for, on the source's exact rate. A variable-rate source is
    /// refused unless the request opts in; then its frames are first put on a constant grid at its
    /// average rate (the fps filter repeats or drops a frame where the times stray).
    private static FrameRateConverter? Interpolation(UpscaleRequest request, MediaStream video, List<string> cleanup, List<string> warnings)
    {
        if (request.TargetFps is not { } fps)
        {
            return null;
        }

        var source = FrameRate.Parse(video.FrameRateFraction) ?? (video.FrameRate > 0 ? FrameRate.FromDouble(video.FrameRate) : new FrameRate(25, 1));
        var target = FrameRate.FromDouble(fps);
        if (video.IsVariableFrameRate)
        {
            if (!request.InterpolateVfr)
            {
                throw new UpscaleException(UpscaleErrorCodes.VariableFrameRate, string.Create(CultureInfo.InvariantCulture,
                    $"the source has a variable frame rate (average {source.PerSecond:0.###} fps, stream rate {video.StreamFrameRate ?? "unknown"}): interpolating it to {target.PerSecond:0.###} fps first puts its frames on a constant {source.PerSecond:0.###} fps grid, which repeats or drops frames where the times stray; ask for that with --vfr-interpolate (API: interpolate_vfr), or leave the frame rate alone"));
            }

            cleanup.Insert(0, $"fps=fps={source}:round=near");
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"the variable-frame-rate source was put on a constant {source.PerSecond:0.###} fps grid before interpolation"));
        }

        return new FrameRateConverter(source, target);
    }

    private static void Validate(UpscaleRequest request)
    {
        static UpscaleException Invalid(string message) => new(UpscaleErrorCodes.InvalidRequest, message);
        if (request.Scale is < 1 or > 16)
        {
            throw Invalid("scale must be between 1 and 16");
        }

        if (request.Width is < 2 or > 16384 || request.Height is < 2 or > 16384 || request.ShortSide is < 2 or > 16384)
        {
            throw Invalid("width, height and the short side must be between 2 and 16384");
        }

        if (request.StartMs is < 0 || request.DurationMs is <= 0)
        {
            throw Invalid("start must be >= 0 and duration > 0 (milliseconds)");
        }

        if (request.MaxFps is { } fps && (!double.IsFinite(fps) || fps <= 0 || fps > 1000))
        {
            throw Invalid("max fps must be a positive number");
        }

        if (request.TargetFps is { } target && (!double.IsFinite(target) || target < 1 || target > 240))
        {
            throw Invalid("the target frame rate (--fps) must be between 1 and 240");
        }

        if (request.TargetFps is not null && request.MaxFps is not null)
        {
            throw Invalid("--fps sets the output frame rate exactly; it cannot be combined with --max-fps");
        }

        if (request.InterpolateVfr && request.TargetFps is null)
        {
            throw Invalid("--vfr-interpolate needs --fps");
        }

        if (request.Denoise is < 0 or > 3 || request.FilmGrain is < 0 or > 100)
        {
            throw Invalid("denoise must be 0..3 and film grain 0..100");
        }

        if (request.BitrateKbps is <= 0)
        {
            throw Invalid("bitrate must be positive");
        }

        var maxCrf = request.Codec is VideoCodec.H264 or VideoCodec.H265 ? 51 : 63;
        if (request.Crf is { } crf && (crf < 0 || crf > maxCrf))
        {
            throw Invalid($"crf for {request.Codec} must be between 0 and {maxCrf}");
        }

        if (request.Preset is { } preset && request.Codec is VideoCodec.H264 or VideoCodec.H265 && !VideoEncoding.X26xPresets.Contains(preset))
        {
            throw Invalid($"preset '{preset}' is not one of {string.Join(", ", VideoEncoding.X26xPresets)}");
        }

        if (string.Equals(Path.GetFullPath(request.InputPath), Path.GetFullPath(request.OutputPath), StringComparison.Ordinal))
        {
            throw Invalid("the output must not overwrite the input");
        }
    }

    private static (int Width, int Height, IReadOnlyList<string> Filters) TargetSize(
        UpscaleRequest request, int upWidth, int upHeight, int sourceWidth, int sourceHeight)
    {
        int width;
        int height;
        var (askedWidth, askedHeight) = (request.Width, request.Height);
        if (askedWidth is null && askedHeight is null && request.ShortSide is { } side)
        {
            (askedWidth, askedHeight) = sourceWidth >= sourceHeight ? ((int?)null, (int?)side) : (side, null);
        }

        if (askedWidth is null && askedHeight is null)
        {
            var scale = request.Scale ?? upWidth / sourceWidth;
            width = Even(sourceWidth * scale);
            height = Even(sourceHeight * scale);
            return width == upWidth && height == upHeight
                ? (width, height, [])
                : (width, height, [$"scale={Int(width)}:{Int(height)}:flags=lanczos"]);
        }

        width = Even(askedWidth ?? (int)Math.Round((double)askedHeight!.Value * upWidth / upHeight));
        height = Even(askedHeight ?? (int)Math.Round((double)askedWidth!.Value * upHeight / upWidth));
        string w = Int(width), h = Int(height);
        return request.Fit switch
        {
            FitMode.Stretch => (width, height, [$"scale={w}:{h}:flags=lanczos"]),
            FitMode.Crop => (width, height, [$"scale={w}:{h}:force_original_aspect_ratio=increase:flags=lanczos", $"crop={w}:{h}"]),
            _ => (width, height,
                [$"scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2:flags=lanczos", $"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2"]),
        };
    }

    private static int Even(int value) => Math.Max(2, value + (value & 1));

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
