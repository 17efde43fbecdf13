using System.Globalization;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Media;

/// The argument lists for the three ffmpeg runs: decode to raw frames, encode raw frames, final mux.
internal static class FfmpegArguments
{
    public static IReadOnlyList<string> Decode(UpscaleRequest request, OutputPlan plan)
    {
        var args = new List<string> { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info" };
        if (plan.Start is { } start)
        {
            args.AddRange(["-ss", Seconds(start)]);
        }

        // The source is read as a local file only, by the demuxer its first probe chose: never re-detected as a playlist.
        args.AddRange(Demuxers.Input(request.InputPath, plan.InputFormat));
        if (plan.Duration is { } duration)
        {
            args.AddRange(["-t", Seconds(duration)]);
        }

        // One frame past the limit is enough to know the input lied about its length.
        if (plan.DecodeFrameLimit is { } limit)
        {
            args.AddRange(["-frames:v", (limit + 1).ToString(CultureInfo.InvariantCulture)]);
        }

        // passthrough: every decoded frame once, with its own timestamp; showinfo reports those timestamps.
        args.AddRange(["-map", "0:" + plan.VideoStreamIndex.ToString(CultureInfo.InvariantCulture), "-an", "-sn", "-dn",
            "-fps_mode", "passthrough", "-vf", string.Join(',', plan.DecodeFilters.Append("showinfo")),
            "-f", "rawvideo", "-pix_fmt", plan.PipePixelFormat, "pipe:1"]);
        return args;
    }

    /// The filters of a ClassicalFilter, run on the decoded frames at the source's size and format.
    public static IReadOnlyList<string> Graph(ClassicalFilter filter) => filter switch
    {
        ClassicalFilter.None => [],
        ClassicalFilter.ColorEnhance => ["eq=saturation=1.25:contrast=1.06"],
        ClassicalFilter.LowLight => ["eq=gamma=1.45:brightness=0.03:saturation=1.1", "hqdn3d=3:3:6:6"],
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, null),
    };

    /// Drop (never duplicate) frames by their own timestamps: keep the first frame of every 1/cap slot.
    public static string FrameRateCap(double cap)
    {
        var r = cap.ToString("R", CultureInfo.InvariantCulture);
        return $"select='isnan(prev_selected_t)+gt(floor(t*{r}+1e-6),floor(prev_selected_t*{r}+1e-6))'";
    }

    /// The same cap for a segment that decodes on the source's own clock from some keyframe: the
    /// slots are counted from the single run's origin, and a frame is kept when its slot is past the
    /// previous decoded frame's (what the rule above amounts to once frames rise), or when it is the
    /// first frame of the whole range.
    private static string FrameRateCap(double cap, double origin, double firstFrameAfter)
    {
        string r = Number(cap), o = Number(origin);
        return $"select='isnan(prev_t)+lt(prev_t,{Number(firstFrameAfter)})+gt(floor((t-{o})*{r}+1e-6),floor((prev_t-{o})*{r}+1e-6))'";
    }

    /// The single run's decode without its pixel work, to a null output: which frames it yields and
    /// when (showinfo on stderr), and how many reach the output (-progress on stdout; showinfo may
    /// see a few past a -t cut).
    public static IReadOnlyList<string> Timeline(UpscaleRequest request, OutputPlan plan)
    {
        var args = new List<string> { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", "-progress", "pipe:1" };
        if (plan.Start is { } start)
        {
            args.AddRange(["-ss", Seconds(start)]);
        }

        args.AddRange(Demuxers.Input(request.InputPath, plan.InputFormat));
        if (plan.Duration is { } duration)
        {
            args.AddRange(["-t", Seconds(duration)]);
        }

        // As in Decode: the timeline pass never reads far past the frames the job was priced for.
        if (request.FrameLimit is { } limit)
        {
            args.AddRange(["-frames:v", (limit + 1).ToString(CultureInfo.InvariantCulture)]);
        }

        IEnumerable<string> filters = plan.MaxFps is { } cap ? [FrameRateCap(cap), "showinfo"] : ["showinfo"];
        args.AddRange(["-map", "0:" + plan.VideoStreamIndex.ToString(CultureInfo.InvariantCulture), "-an", "-sn", "-dn",
            "-fps_mode", "passthrough", "-vf", string.Join(',', filters), "-f", "null", "-"]);
        return args;
    }

    /// One segment's decode. The clock is the source's own (-copyts, from its first timestamp) so
    /// every segment cuts on the same clock; the seek lands on the keyframe before the window
    /// (-noaccurate_seek keeps the frames from there), the time-dependent filters run over those
    /// frames, and the trim keeps the window's frames only.
    public static IReadOnlyList<string> SegmentDecode(UpscaleRequest request, OutputPlan plan, SegmentWindow window)
    {
        var args = new List<string> { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", "-copyts", "-start_at_zero" };
        if (window.SeekSeconds > 0)
        {
            args.AddRange(["-ss", Number(window.SeekSeconds), "-noaccurate_seek"]);
        }

        args.AddRange(Demuxers.Input(request.InputPath, plan.InputFormat));
        var filters = new List<string>(plan.FieldFilters);
        if (plan.MaxFps is { } cap)
        {
            filters.Add(FrameRateCap(cap, window.OriginSeconds, window.FirstFrameAfterSeconds));
        }

        filters.AddRange(plan.CleanupFilters);
        var trim = new List<string>();
        if (window.StartSeconds is { } from)
        {
            trim.Add("start=" + Number(from));
        }

        if (window.EndSeconds is { } to)
        {
            trim.Add("end=" + Number(to));
        }

        if (trim.Count > 0)
        {
            filters.Add("trim=" + string.Join(':', trim));
        }

        filters.AddRange(plan.PixelFilters);
        filters.Add("showinfo");
        args.AddRange(["-map", "0:" + plan.VideoStreamIndex.ToString(CultureInfo.InvariantCulture), "-an", "-sn", "-dn",
            "-fps_mode", "passthrough", "-vf", string.Join(',', filters),
            "-f", "rawvideo", "-pix_fmt", plan.PipePixelFormat, "pipe:1"]);
        return args;
    }

    /// The concat demuxer's list: each segment with its exact length, so the next one starts where it ends.
    public static string ConcatList(IEnumerable<(string Path, double Seconds)> segments)
    {
        var lines = new List<string> { "ffconcat version 1.0" };
        foreach (var (path, seconds) in segments)
        {
            lines.Add($"file 'file:{Path.GetFullPath(path).Replace("'", @"'\''", StringComparison.Ordinal)}'");
            lines.Add("duration " + seconds.ToString("0.#########", CultureInfo.InvariantCulture));
        }

        return string.Join('\n', lines) + "\n";
    }

    /// Segments joined packet for packet (no re-encode) into the file a single run's encoder would have written.
    /// The list is ours (ConcatList: absolute file: paths of our own segments, hence -safe 0), read
    /// by the concat demuxer named with -f; the demuxer whitelist, which the concat demuxer hands to
    /// every file it opens, leaves the segments only Matroska (what Encode writes for a segment), and the
    /// file protocol is the only one either may open. A segment it cannot open fails the join
    /// (-xerror) instead of ending the output early.
    public static IReadOnlyList<string> Concat(string listPath, string encodedPath) =>
    [
        "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-xerror",
        "-f", "concat", "-safe", "0", "-protocol_whitelist", "file", "-format_whitelist", "concat,matroska",
        "-i", "file:" + Path.GetFullPath(listPath),
        "-map", "0:v:0", "-c", "copy", "-f", "matroska", "-y", encodedPath,
    ];

    public static IReadOnlyList<string> Encode(OutputPlan plan, string encodedPath)
    {
        var size = string.Create(CultureInfo.InvariantCulture, $"{plan.UpscaledWidth}x{plan.UpscaledHeight}");
        return
        [
            "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
            "-f", "rawvideo", "-pix_fmt", plan.PipePixelFormat, "-s", size, "-framerate", plan.NominalFrameRate, "-i", "pipe:0",
            "-vf", string.Join(',', plan.EncodeFilters),
            .. plan.EncoderArguments,
            "-an", "-f", "matroska", "-y", encodedPath,
        ];
    }

    private static bool IsTrimmedFromStart(OutputPlan plan) => plan.Start is { } start && start > TimeSpan.Zero;

    public static IReadOnlyList<string> Mux(
        UpscaleRequest request, OutputPlan plan, MediaInfo info, string videoPath, double videoOffsetSeconds,
        string outputPath, List<string> warnings)
    {
        List<string> args =
        [
            "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y",
            "-itsoffset", videoOffsetSeconds.ToString("0.######", CultureInfo.InvariantCulture), .. Demuxers.Input(videoPath, "matroska"),
        ];
        if (plan.Start is { } start)
        {
            args.AddRange(["-ss", Seconds(start)]);
        }

        if (plan.Duration is { } duration)
        {
            args.AddRange(["-t", Seconds(duration)]);
        }

        args.AddRange([.. Demuxers.Input(request.InputPath, plan.InputFormat), "-map", "0:v:0", "-c:v", "copy"]);

        // Any stream-level -map_metadata turns off ffmpeg's automatic per-stream copy, so every output
        // stream gets its source's tags (language, title, handler) explicitly.
        var outputStream = 0;
        var streamMetadata = new List<string> { "-map_metadata:s:0", Input(plan.VideoStreamIndex) };
        void Mapped(MediaStream source) =>
            streamMetadata.AddRange(["-map_metadata:s:" + (++outputStream).ToString(CultureInfo.InvariantCulture), Input(source.Index)]);

        var audioIndex = 0;
        foreach (var audio in info.Audio)
        {
            if (audio.CodecName == "none")
            {
                warnings.Add($"audio track {audio.Index} has an unknown codec and was dropped");
                continue;
            }

            var k = audioIndex++.ToString(CultureInfo.InvariantCulture);
            args.AddRange(["-map", "1:" + audio.Index.ToString(CultureInfo.InvariantCulture)]);
            Mapped(audio);
            // A copied track cut by an input seek keeps its pre-roll packets at negative times, and the
            // muxer then shifts the video by the whole start offset: a trimmed track is re-encoded.
            var encoder = ContainerRules.AudioEncoder(plan.Container, audio)
                ?? (IsTrimmedFromStart(plan) ? ContainerRules.DefaultAudioEncoder(plan.Container) : null);
            if (encoder is null)
            {
                args.AddRange(["-c:a:" + k, "copy"]);
            }
            else
            {
                var kbps = (encoder == "libopus" ? 64 : 96) * Math.Max(2, audio.Channels);
                args.AddRange(["-c:a:" + k, encoder, "-b:a:" + k, kbps.ToString(CultureInfo.InvariantCulture) + "k"]);
                warnings.Add(IsTrimmedFromStart(plan) && ContainerRules.AudioEncoder(plan.Container, audio) is null
                    ? $"audio track {audio.Index} ({audio.CodecName}) re-encoded as {encoder} to cut it exactly at the start"
                    : $"audio track {audio.Index} ({audio.CodecName}) re-encoded as {encoder} for {plan.Container}");
            }
        }

        var subtitleIndex = 0;
        foreach (var subtitle in info.Subtitles)
        {
            var codec = ContainerRules.SubtitleCodec(plan.Container, subtitle);
            if (codec is null)
            {
                warnings.Add($"subtitle track {subtitle.Index} ({subtitle.CodecName}) dropped: {plan.Container} cannot carry it");
                continue;
            }

            args.AddRange(["-map", "1:" + subtitle.Index.ToString(CultureInfo.InvariantCulture), "-c:s:" + subtitleIndex++.ToString(CultureInfo.InvariantCulture), codec]);
            Mapped(subtitle);
        }

        if (plan.Container == ContainerFormat.Mkv)
        {
            foreach (var attachment in info.Streams.Where(s => s.Kind == StreamKind.Attachment))
            {
                args.AddRange(["-map", "1:" + attachment.Index.ToString(CultureInfo.InvariantCulture)]);
                Mapped(attachment);
            }

            args.AddRange(["-c:t", "copy"]);
        }

        foreach (var dropped in info.Streams.Where(s => s.Kind == StreamKind.Data || s.IsAttachedPicture))
        {
            warnings.Add($"{(dropped.IsAttachedPicture ? "cover picture" : "data")} stream {dropped.Index} ({dropped.CodecName}) not copied");
        }

        args.AddRange(["-map_metadata", "1", "-map_chapters", "1", .. streamMetadata]);
        if (plan.Container is ContainerFormat.Mp4 or ContainerFormat.Mov)
        {
            args.AddRange(["-movflags", "+faststart"]);
        }

        // The video comes from the intermediate Matroska in length-prefixed (AVCC) form; AVI stores
        // H.264 as an Annex B byte stream.
        if (plan.Container == ContainerFormat.Avi)
        {
            args.AddRange(["-bsf:v", "h264_mp4toannexb"]);
        }

        args.AddRange(["-max_muxing_queue_size", "4096", "-f", ContainerRules.MuxerName(plan.Container), outputPath]);
        return args;
    }

    private static string Input(int sourceIndex) => "1:s:" + sourceIndex.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("0.#########", CultureInfo.InvariantCulture);
}
