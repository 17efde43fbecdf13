using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Upres.Engine.Imaging;
using Upres.Engine.Interpolation;
using Upres.Engine.Media;

namespace Upres.Engine.Pipeline;

/// decode (ffmpeg -> raw frames) -> infer (IFrameUpscaler) -> encode (raw frames -> ffmpeg), three stages joined
/// by bounded channels so all three run at once and memory stays bounded; then the real per-frame timestamps are
/// put back and audio, subtitles, chapters and metadata are muxed in from the source.
public sealed class VideoUpscaler : IVideoUpscaler
{
    private readonly Func<UpscaleRequest, IFrameUpscaler> _frameUpscalerFactory;
    private readonly IMediaProber _prober;
    private readonly VideoUpscalerOptions _options;
    private readonly Func<UpscaleRequest, IFrameInterpolator>? _interpolatorFactory;

    /// The factories are called once per request (after the input was probed and found usable); what they
    /// return is disposed when the request ends. Without an interpolator factory a TargetFps is refused.
    public VideoUpscaler(
        Func<UpscaleRequest, IFrameUpscaler> frameUpscalerFactory, IMediaProber? prober = null, VideoUpscalerOptions? options = null,
        Func<UpscaleRequest, IFrameInterpolator>? interpolatorFactory = null)
    {
        _frameUpscalerFactory = frameUpscalerFactory;
        _interpolatorFactory = interpolatorFactory;
        _options = options ?? new VideoUpscalerOptions();
        _prober = prober ?? new FfprobeClient(_options.FfprobePath);
    }

    public async Task<UpscaleResult> UpscaleAsync(UpscaleRequest request, IProgress<UpscaleProgress>? progress, CancellationToken cancellationToken)
    {
        var started = _options.TimeProvider.GetTimestamp();
        var info = await ProbeVideoAsync(request, cancellationToken).ConfigureAwait(false);

        // Cheap refusals (container/codec pairs, bad sizes) before a model is loaded.
        _ = OutputPlanner.Plan(request, info, 1);
        using var upscaler = CreateUpscaler(request);
        var plan = OutputPlanner.Plan(request, info, upscaler.Scale, upscaler.Name.Contains("denoise", StringComparison.OrdinalIgnoreCase));
        if (info.Video!.FrameCount is null && request.StartMs is null && request.DurationMs is null && request.MaxFps is null
            && _prober is FfprobeClient ffprobe)
        {
            // No count in the container (raw streams, some mkv/ts): count packets once so progress has a true total.
            if (await ffprobe.CountFramesAsync(request.InputPath, plan.InputFormat, info.Video.Index, cancellationToken).ConfigureAwait(false) is > 0 and var counted)
            {
                plan = plan with { EstimatedFrames = counted };
            }
        }

        var warnings = new List<string>(plan.Warnings);
        using var interpolator = plan.Interpolation is null ? null : CreateInterpolator(request);
        var stage = interpolator is null ? null : new InterpolationStage(interpolator, plan.Interpolation!);

        var output = Path.GetFullPath(request.OutputPath);
        var directory = Path.GetDirectoryName(output) ?? ".";
        Directory.CreateDirectory(directory);
        // Beside the output (same file system, so the final rename is atomic); a crash leaves only this folder.
        var work = Directory.CreateDirectory(Path.Combine(directory, $".{Path.GetFileName(output)}.upres-{Guid.NewGuid():N}"));
        try
        {
            var encoded = Path.Combine(work.FullName, "video.mkv");
            var timestamps = new FrameTimestamps();
            var held = new HeldFrameDetector(request.HeldFrames ?? _options.HeldFrames);
            var frames = await RunFramePipelineAsync(request, plan, upscaler, stage, held, encoded, timestamps, null, progress, started, cancellationToken)
                .ConfigureAwait(false);
            if (frames == 0)
            {
                throw new UpscaleException(UpscaleErrorCodes.NoFrames,
                    "the decoder produced no frames in the requested range: the start is past the end, or the video has no keyframe there to start decoding from");
            }

            // With -t the filter graph (and showinfo) may see a few frames past the cut that the output drops.
            // Interpolated output is on the target rate's own grid from the first frame's time.
            var seconds = stage is null
                ? timestamps.Seconds.Take((int)frames).ToList()
                : OutputGrid(timestamps.Seconds is [var first, ..] ? first : 0, stage, frames);
            if (stage is not null)
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{stage.SourceFrames} frames at {plan.Interpolation!.Source.PerSecond:0.###} fps became {stage.OutputFrames} at {plan.Interpolation.Target.PerSecond:0.###} fps ({stage.Interpolated} made by {interpolator!.Name}; {stage.SceneCuts} scene cuts repeated a frame instead)"));
            }

            var result = await FinishAsync(request, plan, info, encoded, seconds, frames, warnings, work.FullName, output, cancellationToken)
                .ConfigureAwait(false);
            return result with
            {
                HeldFrames = held.Held,
                InterpolatedFrames = stage?.Interpolated ?? 0,
                SceneCuts = stage?.SceneCuts ?? 0,
            };
        }
        finally
        {
            DeleteWorkFolder(work);
        }
    }

    /// Every frame the request would upscale and when, read by decoding the source once without
    /// pixel work (the frame-rate cap and the trim applied as in UpscaleAsync).
    public async Task<FrameTimeline> ReadTimelineAsync(UpscaleRequest request, CancellationToken cancellationToken)
    {
        RefuseSegments(request);
        var info = await ProbeVideoAsync(request, cancellationToken).ConfigureAwait(false);
        var plan = OutputPlanner.Plan(request, info, 1);
        var timestamps = new FrameTimestamps();
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync(_options.FfmpegPath, FfmpegArguments.Timeline(request, plan), cancellationToken, new ProcessOptions
            {
                OnStandardErrorLine = timestamps.OnStderrLine,
                IsNoise = FrameTimestamps.IsShowinfo,
                GracefulStopTimeout = TimeSpan.FromSeconds(1),
                Niceness = _options.Niceness,
            }).ConfigureAwait(false);
        }
        catch (ProcessFailedException e)
        {
            throw Failure(UpscaleErrorCodes.DecodeFailed, "reading the input's frame times", e);
        }

        var frames = FrameTimestamps.LastProgressFrame(result.StandardOutput);
        if (frames is null or 0)
        {
            throw new UpscaleException(UpscaleErrorCodes.NoFrames,
                "the decoder produced no frames in the requested range: the start is past the end, or the video has no keyframe there to start decoding from");
        }

        if (frames > request.FrameLimit)
        {
            throw new UpscaleException(UpscaleErrorCodes.FramesExceedDeclared,
                $"the input holds more than {request.FrameLimit} frames, more than its header declares; it is refused rather than processed past its price");
        }

        var seconds = timestamps.Seconds;
        if (seconds.Count < frames)
        {
            throw new UpscaleException(UpscaleErrorCodes.DecodeFailed,
                $"the times of only {seconds.Count} of {frames} frames could be read, so the video cannot be cut into segments");
        }

        return new FrameTimeline
        {
            OriginSeconds = plan.Start?.TotalSeconds ?? 0,
            Seconds = [.. seconds.Take((int)frames.Value)],
            NominalRate = FfprobeClient.Fraction(plan.NominalFrameRate) ?? 25,
        };
    }

    /// Upscales one frame range of the request as a video of its own (Matroska, the request's encoder
    /// settings, starting on a keyframe) that JoinSegmentsAsync concatenates without re-encoding. The
    /// decoder starts at the keyframe before the range and the frames before it are dropped.
    public async Task<VideoSegment> UpscaleSegmentAsync(
        UpscaleRequest request, FrameTimeline timeline, FrameRange range, string segmentPath,
        IProgress<UpscaleProgress>? progress, CancellationToken cancellationToken)
    {
        RefuseSegments(request);
        var started = _options.TimeProvider.GetTimestamp();
        var info = await ProbeVideoAsync(request, cancellationToken).ConfigureAwait(false);
        _ = OutputPlanner.Plan(request, info, 1);
        using var upscaler = CreateUpscaler(request);
        var plan = OutputPlanner.Plan(request, info, upscaler.Scale, upscaler.Name.Contains("denoise", StringComparison.OrdinalIgnoreCase))
            with { EstimatedFrames = range.Count };
        // A second of frames before the range also warms up deinterlace and denoise, which look at earlier frames.
        var window = timeline.WindowFor(range, plan.HasTemporalFilters ? 2 : 1);

        var output = Path.GetFullPath(segmentPath);
        Directory.CreateDirectory(Path.GetDirectoryName(output) ?? ".");
        var partial = output + $".partial-{Guid.NewGuid():N}";
        try
        {
            var timestamps = new FrameTimestamps();
            var held = new HeldFrameDetector(request.HeldFrames ?? _options.HeldFrames);
            var frames = await RunFramePipelineAsync(request, plan, upscaler, null, held, partial, timestamps, window, progress, started, cancellationToken)
                .ConfigureAwait(false);
            if (frames != range.Count)
            {
                throw new UpscaleException(UpscaleErrorCodes.SegmentMismatch, string.Create(CultureInfo.InvariantCulture,
                    $"frames {range.First}..{range.End - 1} decoded to {frames} frames, not {range.Count}: the source cannot be cut here"));
            }

            CheckFrameTimes(window, timestamps.Seconds, range);
            File.Move(partial, output, overwrite: true);
            return new VideoSegment(output, range);
        }
        finally
        {
            try
            {
                File.Delete(partial);
            }
            catch (IOException)
            {
            }
        }
    }

    /// Concatenates the segments (in frame order, covering the whole timeline) packet for packet, puts
    /// the source's frame times back and muxes audio, subtitles, chapters and metadata from the source
    /// exactly as UpscaleAsync does.
    public async Task<UpscaleResult> JoinSegmentsAsync(
        UpscaleRequest request, FrameTimeline timeline, IReadOnlyList<VideoSegment> segments, CancellationToken cancellationToken)
    {
        RefuseSegments(request);
        var ordered = segments.OrderBy(s => s.Range.First).ToList();
        var next = 0;
        foreach (var segment in ordered)
        {
            if (segment.Range.First != next)
            {
                throw new UpscaleException(UpscaleErrorCodes.SegmentMismatch,
                    string.Create(CultureInfo.InvariantCulture, $"the segments do not cover frame {next} exactly once"));
            }

            next = segment.Range.End;
        }

        if (next != timeline.Count)
        {
            throw new UpscaleException(UpscaleErrorCodes.SegmentMismatch,
                string.Create(CultureInfo.InvariantCulture, $"the segments end at frame {next}; the video has {timeline.Count}"));
        }

        var info = await ProbeVideoAsync(request, cancellationToken).ConfigureAwait(false);
        var plan = OutputPlanner.Plan(request, info, 1);
        var output = Path.GetFullPath(request.OutputPath);
        var directory = Path.GetDirectoryName(output) ?? ".";
        Directory.CreateDirectory(directory);
        var work = Directory.CreateDirectory(Path.Combine(directory, $".{Path.GetFileName(output)}.upres-{Guid.NewGuid():N}"));
        try
        {
            var list = Path.Combine(work.FullName, "segments.ffconcat");
            await File.WriteAllTextAsync(list,
                FfmpegArguments.ConcatList(ordered.Select(s => (Path.GetFullPath(s.Path), s.Range.Count / timeline.NominalRate))),
                cancellationToken).ConfigureAwait(false);
            var encoded = Path.Combine(work.FullName, "video.mkv");
            await RunStepAsync(_options.FfmpegPath, FfmpegArguments.Concat(list, encoded), UpscaleErrorCodes.MuxFailed, "joining the segments",
                cancellationToken).ConfigureAwait(false);
            if (_prober is FfprobeClient ffprobe && await ffprobe.CountFramesAsync(encoded, "matroska", 0, cancellationToken).ConfigureAwait(false) is { } joined
                && joined != timeline.Count)
            {
                throw new UpscaleException(UpscaleErrorCodes.SegmentMismatch, string.Create(CultureInfo.InvariantCulture,
                    $"the joined segments hold {joined} frames; the video has {timeline.Count}"));
            }

            return await FinishAsync(request, plan, info, encoded, timeline.Seconds, timeline.Count, [.. plan.Warnings], work.FullName, output,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            DeleteWorkFolder(work);
        }
    }

    private async Task<MediaInfo> ProbeVideoAsync(UpscaleRequest request, CancellationToken cancellationToken)
    {
        // The caller's probe (the one its plan and price came from) is used as is: planning on the
        // same facts makes the same plan, and no second probe can detect the file differently.
        var info = request.Probe ?? await _prober.ProbeAsync(request.InputPath, cancellationToken).ConfigureAwait(false);
        return info.Video is null
            ? throw new UpscaleException(UpscaleErrorCodes.NoVideoStream,
                $"'{Path.GetFileName(request.InputPath)}' has no video stream ({info.Streams.Count} other streams)")
            : info;
    }

    /// Restores variable frame times, muxes the source's other streams in and moves the file into place.
    private async Task<UpscaleResult> FinishAsync(
        UpscaleRequest request, OutputPlan plan, MediaInfo info, string encoded, IReadOnlyList<double> seconds, long frames,
        List<string> warnings, string work, string output, CancellationToken cancellationToken)
    {
        var video = encoded;
        if (seconds.Count == frames && !FrameTimestamps.IsConstantRate(seconds, FfprobeClient.Fraction(plan.NominalFrameRate) ?? 25))
        {
            video = await RestoreTimestampsAsync(encoded, seconds, work, cancellationToken).ConfigureAwait(false);
        }
        else if (seconds.Count != frames)
        {
            warnings.Add($"frame timestamps could not be read ({seconds.Count} for {frames} frames); the output is constant rate");
        }

        var partial = Path.Combine(work, "output");
        var muxArguments = FfmpegArguments.Mux(request, plan, info, video, seconds.Count > 0 ? Math.Max(0, seconds[0]) : 0, partial, warnings);
        await RunStepAsync(_options.FfmpegPath, muxArguments, UpscaleErrorCodes.MuxFailed, "muxing the output", cancellationToken)
            .ConfigureAwait(false);
        File.Move(partial, output, overwrite: true);

        var result = await _prober.ProbeAsync(output, ContainerRules.MuxerName(plan.Container), cancellationToken).ConfigureAwait(false);
        var outVideo = result.Video!;
        return new UpscaleResult(output, frames, result.Duration, outVideo.Width, outVideo.Height, outVideo.FrameRate)
        {
            Warnings = warnings,
        };
    }

    /// A frame that comes out at another time than the timeline says means the cut slipped (a frame
    /// dropped or doubled at a seam): refuse the segment rather than join it.
    private static void CheckFrameTimes(SegmentWindow window, IReadOnlyList<double> seconds, FrameRange range)
    {
        var expected = window.ExpectedSeconds;
        if (seconds.Count < expected.Count)
        {
            return;
        }

        for (var i = 0; i < expected.Count; i++)
        {
            var gap = Math.Min(
                i + 1 < expected.Count ? expected[i + 1] - expected[i] : double.MaxValue,
                i > 0 ? expected[i] - expected[i - 1] : double.MaxValue);
            var tolerance = Math.Min(0.002, gap == double.MaxValue ? 0.002 : gap * 0.4);
            if (Math.Abs(seconds[i] - expected[i]) > tolerance)
            {
                throw new UpscaleException(UpscaleErrorCodes.SegmentMismatch, string.Create(CultureInfo.InvariantCulture,
                    $"frame {range.First + i} decoded at {seconds[i] - window.OriginSeconds:0.######} s, not at {expected[i] - window.OriginSeconds:0.######} s as the timeline says"));
            }
        }
    }

    /// Segments are frame ranges of the source; an interpolated output's frames are not, and an
    /// in-between frame at a seam needs both neighbours: such a request runs whole.
    private static void RefuseSegments(UpscaleRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.TargetFps is not null)
        {
            throw new UpscaleException(UpscaleErrorCodes.NotSegmentable,
                "a request that interpolates to another frame rate runs whole: it cannot be cut into segments of source frames");
        }
    }

    private static List<double> OutputGrid(double first, InterpolationStage stage, long frames)
    {
        var rate = stage.Converter.Target;
        return [.. Enumerable.Range(0, (int)frames).Select(j => first + ((double)j * rate.Denominator / rate.Numerator))];
    }

    private IFrameInterpolator CreateInterpolator(UpscaleRequest request)
    {
        if (_interpolatorFactory is null)
        {
            throw new UpscaleException(UpscaleErrorCodes.InvalidRequest, "this pipeline has no frame interpolator; a target frame rate cannot be met");
        }

        try
        {
            return _interpolatorFactory(request);
        }
        catch (Exception e) when (e is not UpscaleException and not OperationCanceledException)
        {
            throw new UpscaleException(UpscaleErrorCodes.UpscalerFailed, $"could not create the frame interpolator: {e.Message}", e);
        }
    }

    private static void DeleteWorkFolder(DirectoryInfo work)
    {
        try
        {
            work.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private IFrameUpscaler CreateUpscaler(UpscaleRequest request)
    {
        try
        {
            return _frameUpscalerFactory(request);
        }
        catch (Exception e) when (e is not UpscaleException and not OperationCanceledException)
        {
            throw new UpscaleException(UpscaleErrorCodes.UpscalerFailed, $"could not create the frame upscaler: {e.Message}", e);
        }
    }

    private Task<long> RunFramePipelineAsync(
        UpscaleRequest request, OutputPlan plan, IFrameUpscaler upscaler, InterpolationStage? stage, HeldFrameDetector held, string encodedPath, FrameTimestamps timestamps,
        SegmentWindow? window, IProgress<UpscaleProgress>? progress, long started, CancellationToken cancellationToken) =>
        PackedFrames.Fits(plan, upscaler, hasPlanarStage: stage is not null)
            ? RunFramePipelineAsync(new PackedFrames(plan, (IPackedFrameUpscaler)upscaler, held), null, request, plan, encodedPath, timestamps, window, progress, started, cancellationToken)
            : RunFramePipelineAsync(FrameFormat<PlanarImage>.Planar(plan, upscaler, held), stage is null ? null : stage.RunAsync,
                request, plan, encodedPath, timestamps, window, progress, started, cancellationToken);

    private async Task<long> RunFramePipelineAsync<TFrame>(
        FrameFormat<TFrame> format, Func<ChannelReader<TFrame>, ChannelWriter<TFrame>, CancellationToken, Task>? retime,
        UpscaleRequest request, OutputPlan plan, string encodedPath, FrameTimestamps timestamps,
        SegmentWindow? window, IProgress<UpscaleProgress>? progress, long started, CancellationToken cancellationToken)
        where TFrame : class
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = linked.Token;
        Exception? firstFailure = null;
        void Fail(Exception e)
        {
            if (e is not OperationCanceledException)
            {
                Interlocked.CompareExchange(ref firstFailure, e, null);
            }

            linked.Cancel();
        }

        await using var decoder = ProcessRunner.Start(_options.FfmpegPath,
            window is null ? FfmpegArguments.Decode(request, plan) : FfmpegArguments.SegmentDecode(request, plan, window), new ProcessOptions
        {
            CaptureStandardOutput = false,
            OnStandardErrorLine = timestamps.OnStderrLine,
            IsNoise = FrameTimestamps.IsShowinfo,
            GracefulStopTimeout = TimeSpan.FromSeconds(1),
            Niceness = _options.Niceness,
        });
        await using var encoder = ProcessRunner.Start(_options.FfmpegPath, FfmpegArguments.Encode(plan, encodedPath), new ProcessOptions
        {
            RedirectStandardInput = true,
            GracefulStopTimeout = TimeSpan.FromSeconds(1),
            Niceness = _options.Niceness,
        });
        await using var stopChildren = token.Register(() =>
        {
            _ = decoder.StopAsync();
            _ = encoder.StopAsync();
        });

        var channelOptions = new BoundedChannelOptions(_options.ChannelCapacity) { SingleReader = true, SingleWriter = true };
        var decoded = Channel.CreateBounded<TFrame>(channelOptions);
        var retimed = retime is null ? decoded : Channel.CreateBounded<TFrame>(channelOptions);
        var upscaled = Channel.CreateBounded<TFrame>(channelOptions);
        long framesDone = 0;

        var decode = Task.Run(async () =>
        {
            try
            {
                await DecodeAsync(decoder, format, plan, window?.ExpectedSeconds.Count, window is null ? plan.DecodeFrameLimit : null, decoded.Writer, token).ConfigureAwait(false);
                decoded.Writer.Complete();
            }
            catch (Exception e)
            {
                decoded.Writer.TryComplete(e);
                Fail(e);
                throw;
            }
        }, CancellationToken.None);
        var interpolate = retime is null ? Task.CompletedTask : Task.Run(async () =>
        {
            try
            {
                await retime(decoded.Reader, retimed.Writer, token).ConfigureAwait(false);
                retimed.Writer.Complete();
            }
            catch (Exception e) when (e is not UpscaleException and not OperationCanceledException and not ChannelClosedException)
            {
                var failure = new UpscaleException(UpscaleErrorCodes.UpscalerFailed, $"frame interpolation failed: {e.Message}", e);
                retimed.Writer.TryComplete(failure);
                Fail(failure);
                throw failure;
            }
            catch (Exception e)
            {
                retimed.Writer.TryComplete(e);
                Fail(e);
                throw;
            }
        }, CancellationToken.None);
        var infer = Task.Run(async () =>
        {
            try
            {
                var checkpoints = progress as IFrameCheckpoints;
                await InferAsync(format, checkpoints, retimed.Reader, upscaled.Writer, _options.Niceness, token).ConfigureAwait(false);
                if (checkpoints is not null)
                {
                    await checkpoints.AfterLastFrameAsync(token).ConfigureAwait(false);
                }

                upscaled.Writer.Complete();
            }
            catch (Exception e)
            {
                upscaled.Writer.TryComplete(e);
                Fail(e);
                throw;
            }
        }, CancellationToken.None);
        var encode = Task.Run(async () =>
        {
            try
            {
                var reporter = new ProgressReporter(progress, plan.EstimatedFrames, started, _options);
                await EncodeAsync(encoder, format, plan, upscaled.Reader, reporter, token).ConfigureAwait(false);
                framesDone = reporter.FramesDone;
            }
            catch (Exception e)
            {
                Fail(e);
                throw;
            }
        }, CancellationToken.None);

        try
        {
            await Task.WhenAll(decode, interpolate, infer, encode).ConfigureAwait(false);
        }
        catch (Exception)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (firstFailure is not null)
            {
                ExceptionDispatchInfo.Throw(firstFailure);
            }

            throw;
        }

        return framesDone;
    }

    /// With a limit, frames past it are read and dropped: the segment's trim ends the decoder just after them.
    /// With a budget (a whole run's FrameLimit), a frame past it means the input lied about its length.
    private static async Task DecodeAsync<TFrame>(
        ChildProcess decoder, FrameFormat<TFrame> format, OutputPlan plan, long? limit, long? budget, ChannelWriter<TFrame> writer, CancellationToken token)
        where TFrame : class
    {
        var size = FrameConverter.FrameBytes(plan.DecodedWidth, plan.DecodedHeight, plan.SixteenBitPipe);
        var buffer = new byte[size];
        var stdout = decoder.StandardOutput;
        for (long n = 0; ; n++)
        {
            var read = await stdout.ReadAtLeastAsync(buffer, size, throwOnEndOfStream: false, token).ConfigureAwait(false);
            if (read < size)
            {
                await WaitForToolAsync(decoder, UpscaleErrorCodes.DecodeFailed, "decoding the input", token).ConfigureAwait(false);
                if (read > 0)
                {
                    throw new UpscaleException(UpscaleErrorCodes.DecodeFailed,
                        $"the decoder's last frame was cut short ({read} of {size} bytes); did the frame size change mid-stream?");
                }

                return;
            }

            if (n >= budget)
            {
                throw new UpscaleException(UpscaleErrorCodes.FramesExceedDeclared,
                    $"the input holds more than {budget} frames, more than its header declares; it is refused rather than processed past its price");
            }

            if (n >= limit)
            {
                continue;
            }

            await writer.WriteAsync(format.FromDecoded(buffer), token).ConfigureAwait(false);
        }
    }

    // A held frame (HeldFrameDetector, decided here in decode order) is handed on as the output
    // of the frame it repeats, without running the model.
    private static async Task InferAsync<TFrame>(
        FrameFormat<TFrame> format, IFrameCheckpoints? checkpoints, ChannelReader<TFrame> reader, ChannelWriter<TFrame> writer, int niceness, CancellationToken token)
        where TFrame : class
    {
        if (format.FramesInFlight > 1)
        {
            await InferConcurrentlyAsync(format, checkpoints, reader, writer, niceness, token).ConfigureAwait(false);
            return;
        }

        long index = 0;
        TFrame? last = null;
        await foreach (var frame in reader.ReadAllAsync(token).ConfigureAwait(false))
        {
            var i = index++;
            if (checkpoints is not null)
            {
                await checkpoints.BeforeFrameAsync(i, token).ConfigureAwait(false);
            }

            if (!format.IsHeld(frame) || last is null)
            {
                // Off the pool when it is to run at a lower priority (a pool thread's niceness would stay).
                last = niceness > 0 ? await StartFrame(format, frame, i, niceness, token).ConfigureAwait(false) : format.Upscale(frame, i, token);
            }

            await writer.WriteAsync(last, token).ConfigureAwait(false);
        }
    }

    // A frame on a thread of its own (LongRunning: a new thread, not a pool one), at the run's niceness;
    // the band threads it starts inherit that.
    private static Task<TFrame> StartFrame<TFrame>(FrameFormat<TFrame> format, TFrame frame, long index, int niceness, CancellationToken token)
        where TFrame : class
        => Task.Factory.StartNew(
            () =>
            {
                Niceness.LowerCurrentThread(niceness);
                return format.Upscale(frame, index, token);
            },
            token, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    // Frames start in order on their own threads and are handed on in order. Every started frame
    // is finished or cancelled before this returns: the caller disposes the upscaler next. A held
    // frame queues its reference's task again and takes no thread.
    private static async Task InferConcurrentlyAsync<TFrame>(
        FrameFormat<TFrame> format, IFrameCheckpoints? checkpoints, ChannelReader<TFrame> reader, ChannelWriter<TFrame> writer, int niceness, CancellationToken token)
        where TFrame : class
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var inFlight = new Queue<(Task<TFrame> Output, bool Held)>();
        var running = 0;
        Task<TFrame>? last = null;
        async Task HandOnAsync()
        {
            var (output, isHeld) = inFlight.Dequeue();
            running -= isHeld ? 0 : 1;
            await writer.WriteAsync(await output.ConfigureAwait(false), token).ConfigureAwait(false);
        }

        try
        {
            long index = 0;
            await foreach (var frame in reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                var i = index++;
                if (checkpoints is not null)
                {
                    await checkpoints.BeforeFrameAsync(i, token).ConfigureAwait(false);
                }

                if (format.IsHeld(frame) && last is not null)
                {
                    inFlight.Enqueue((last, true));
                    continue;
                }

                while (running == format.FramesInFlight)
                {
                    await HandOnAsync().ConfigureAwait(false);
                }

                last = StartFrame(format, frame, i, niceness, stop.Token);
                inFlight.Enqueue((last, false));
                running++;
            }

            while (inFlight.Count > 0)
            {
                await HandOnAsync().ConfigureAwait(false);
            }
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(inFlight.Select(f => f.Output)).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The first failure is the one rethrown below; the rest were cancelled by it.
            }

            throw;
        }
    }

    private static async Task EncodeAsync<TFrame>(
        ChildProcess encoder, FrameFormat<TFrame> format, OutputPlan plan, ChannelReader<TFrame> reader, ProgressReporter reporter, CancellationToken token)
        where TFrame : class
    {
        var buffer = new byte[FrameConverter.FrameBytes(plan.UpscaledWidth, plan.UpscaledHeight, plan.SixteenBitPipe)];
        var stdin = encoder.StandardInput;
        try
        {
            await foreach (var frame in reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                format.ToEncoded(frame, buffer);
                await stdin.WriteAsync(buffer, token).ConfigureAwait(false);
                reporter.FrameDone();
            }

            await stdin.FlushAsync(token).ConfigureAwait(false);
            stdin.Close();
        }
        catch (IOException) when (!token.IsCancellationRequested)
        {
            // The encoder closed its input: it died, and its stderr says why.
            await WaitForToolAsync(encoder, UpscaleErrorCodes.EncodeFailed, "encoding", CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        await WaitForToolAsync(encoder, UpscaleErrorCodes.EncodeFailed, "encoding", token).ConfigureAwait(false);
        reporter.Finish();
    }

    private async Task<string> RestoreTimestampsAsync(string encoded, IReadOnlyList<double> seconds, string work, CancellationToken token)
    {
        // mkvmerge's v2 timestamp file gives every frame its own time: the robust way to carry variable frame
        // rates through an encoder that only knows a constant input rate.
        var file = Path.Combine(work, "timestamps.txt");
        var lines = seconds.Select(s => ((s - seconds[0]) * 1000).ToString("0.###", CultureInfo.InvariantCulture));
        await File.WriteAllLinesAsync(file, lines.Prepend("# timestamp format v2"), token).ConfigureAwait(false);
        var restored = Path.Combine(work, "video-timed.mkv");
        try
        {
            var result = await ProcessRunner.RunAsync(_options.MkvmergePath,
                ["-q", "-o", restored, "--timestamps", "0:" + file, encoded], token,
                new ProcessOptions { ThrowOnNonZeroExit = false }).ConfigureAwait(false);
            // mkvmerge: 0 = fine, 1 = warnings, 2 = error.
            if (result.ExitCode >= 2)
            {
                throw new UpscaleException(UpscaleErrorCodes.MuxFailed,
                    $"mkvmerge could not restore frame timestamps: {string.Join(Environment.NewLine, result.StderrTail.Concat(result.StandardOutput.Split('\n').TakeLast(5)))}");
            }
        }
        catch (ProcessFailedException e) when (e.ExitCode == ProcessFailedException.NotStarted)
        {
            throw new UpscaleException(UpscaleErrorCodes.ToolMissing,
                "mkvmerge (mkvtoolnix) is needed for variable-frame-rate input; run scripts/setup.sh", e);
        }

        return restored;
    }

    private async Task RunStepAsync(string tool, IReadOnlyList<string> arguments, string code, string what, CancellationToken token)
    {
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync(tool, arguments, token, new ProcessOptions { GracefulStopTimeout = TimeSpan.FromSeconds(2), Niceness = _options.Niceness })
                .ConfigureAwait(false);
        }
        catch (ProcessFailedException e)
        {
            throw Failure(code, what, e);
        }

        RefuseCutShort(result, string.Join(' ', [tool, .. arguments]), code, what);
    }

    private static async Task WaitForToolAsync(ChildProcess process, string code, string what, CancellationToken token)
    {
        ProcessResult result;
        try
        {
            result = await process.WaitAsync(token).ConfigureAwait(false);
        }
        catch (ProcessFailedException e)
        {
            throw Failure(code, what, e);
        }

        RefuseCutShort(result, process.CommandLine, code, what);
    }

    /// ffmpeg exits 0 when only its output's trailer or close fails (a disk that fills at the very end,
    /// or a stream copy without -xerror): the file is cut short, and a Matroska file cut short still
    /// probes. Its own error lines are the only sign, so they fail the step.
    private static void RefuseCutShort(ProcessResult result, string commandLine, string code, string what)
    {
        if (result.StderrTail.Any(line => line.Contains("Error writing trailer", StringComparison.Ordinal)
                || line.Contains("Error closing file", StringComparison.Ordinal)
                || line.Contains("No space left on device", StringComparison.Ordinal)))
        {
            throw Failure(code, what, new ProcessFailedException(commandLine, result.ExitCode, result.StderrTail));
        }
    }

    private static UpscaleException Failure(string code, string what, ProcessFailedException e) => e.ExitCode == ProcessFailedException.NotStarted
        ? new(UpscaleErrorCodes.ToolMissing, $"ffmpeg could not be started for {what} ({string.Join(" ", e.StderrTail)}): install ffmpeg, or run ./upres doctor", e)
        : new(e.StderrTail.Any(line => line.Contains("No space left on device", StringComparison.Ordinal)) ? UpscaleErrorCodes.StorageFull : code,
            string.Create(CultureInfo.InvariantCulture,
            $"ffmpeg failed {what} (exit {e.ExitCode}):{Environment.NewLine}{string.Join(Environment.NewLine, e.StderrTail.TakeLast(10))}{Environment.NewLine}command: {e.CommandLine}"), e);
}
