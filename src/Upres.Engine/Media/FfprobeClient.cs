using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Media;

/// ffprobe as JSON into MediaInfo. Every call is bounded by a timeout: a damaged file must not hold a job forever.
/// The first probe of a file detects its format among `formats` only (Demuxers); every later call is pinned to it.
public sealed partial class FfprobeClient(string ffprobePath = "ffprobe", TimeSpan? timeout = null, string formats = Demuxers.Local) : IMediaProber
{
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(60);

    /// The whitelisted first probe: the demuxer ffmpeg detects for the file, refused unless it is one of `formats`.
    public async Task<string> DetectDemuxerAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new UpscaleException(UpscaleErrorCodes.InputNotFound, $"input file not found: {path}");
        }

        string json;
        try
        {
            json = await RunAsync(
                ["-v", "error", "-protocol_whitelist", "file", "-format_whitelist", formats,
                 "-show_entries", "format=format_name", "-of", "json", "-i", "file:" + Path.GetFullPath(path)],
                cancellationToken).ConfigureAwait(false);
        }
        catch (UpscaleException e) when (e.InnerException is ProcessFailedException failed
            && failed.StderrTail.Any(line => line.Contains("not on whitelist", StringComparison.Ordinal)))
        {
            throw new UpscaleException(UpscaleErrorCodes.UnsupportedInputFormat,
                $"the input is not one of the containers Upres reads ({string.Join(" ", failed.StderrTail.TakeLast(2))})", e);
        }

        string? formatName;
        try
        {
            using var document = JsonDocument.Parse(json);
            formatName = document.RootElement.TryGetProperty("format", out var format) && format.TryGetProperty("format_name", out var name)
                ? name.GetString()
                : null;
        }
        catch (JsonException e)
        {
            throw new UpscaleException(UpscaleErrorCodes.ProbeFailed, $"ffprobe gave unreadable output for {path}", e);
        }

        return string.IsNullOrEmpty(formatName)
            ? throw new UpscaleException(UpscaleErrorCodes.UnreadableInput, $"ffprobe could not tell the format of {path}")
            : Demuxers.NameOf(formatName);
    }

    /// The first probe, then the full probe pinned to the demuxer it chose.
    public async Task<MediaInfo> ProbeAsync(string path, CancellationToken cancellationToken) =>
        await ProbeAsync(path, await DetectDemuxerAsync(path, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// The full probe of a file whose first probe chose `demuxer`.
    public async Task<MediaInfo> ProbeAsync(string path, string demuxer, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new UpscaleException(UpscaleErrorCodes.InputNotFound, $"input file not found: {path}");
        }

        var json = await RunAsync(
            ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-show_chapters", .. Demuxers.Input(path, demuxer)],
            cancellationToken).ConfigureAwait(false);
        MediaInfo info;
        try
        {
            info = Parse(json);
        }
        catch (JsonException e)
        {
            throw new UpscaleException(UpscaleErrorCodes.ProbeFailed, $"ffprobe gave unreadable output for {path}", e);
        }

        if (info.Streams.Count == 0)
        {
            throw new UpscaleException(UpscaleErrorCodes.UnreadableInput, $"ffprobe found no streams in {path}");
        }

        return info;
    }

    /// Counts a stream's frames by reading packets (no decode) when the container does not say.
    public async Task<long?> CountFramesAsync(string path, string demuxer, int streamIndex, CancellationToken cancellationToken)
    {
        var output = await RunAsync(
            ["-v", "error", "-count_packets", "-select_streams", streamIndex.ToString(CultureInfo.InvariantCulture),
             "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", .. Demuxers.Input(path, demuxer)],
            cancellationToken).ConfigureAwait(false);
        return long.TryParse(output.Trim().TrimEnd(','), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private async Task<string> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        try
        {
            var result = await ProcessRunner.RunAsync(ffprobePath, arguments, cancellationToken,
                new ProcessOptions { Timeout = _timeout, GracefulStopTimeout = TimeSpan.FromSeconds(1) }).ConfigureAwait(false);
            return result.StandardOutput;
        }
        catch (TimeoutException e)
        {
            throw new UpscaleException(UpscaleErrorCodes.ProbeTimeout, $"ffprobe took longer than {_timeout}", e);
        }
        catch (ProcessFailedException e) when (e.ExitCode == ProcessFailedException.NotStarted)
        {
            throw new UpscaleException(UpscaleErrorCodes.ToolMissing,
                $"{ffprobePath} could not be started ({string.Join(" ", e.StderrTail)}): install ffmpeg, or run ./upres doctor", e);
        }
        catch (ProcessFailedException e)
        {
            throw new UpscaleException(UpscaleErrorCodes.UnreadableInput,
                $"ffprobe could not read the input: {string.Join(" | ", e.StderrTail.TakeLast(5))}", e);
        }
    }

    public static MediaInfo Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var streams = new List<MediaStream>();
        if (root.TryGetProperty("streams", out var streamArray))
        {
            foreach (var stream in streamArray.EnumerateArray())
            {
                streams.Add(ParseStream(stream));
            }
        }

        var chapters = root.TryGetProperty("chapters", out var chapterArray) ? chapterArray.GetArrayLength() : 0;
        var format = root.TryGetProperty("format", out var f) ? f : default;
        var duration = Seconds(format, "duration")
            ?? streams.Select(s => s.Duration).Where(d => d is not null).Max()
            ?? TimeSpan.Zero;
        return new MediaInfo(
            String(format, "format_name") ?? "unknown",
            duration,
            Long(format, "size") ?? 0,
            streams,
            chapters)
        {
            StartTime = Seconds(format, "start_time") ?? TimeSpan.Zero,
        };
    }

    private static MediaStream ParseStream(JsonElement s)
    {
        var kind = String(s, "codec_type") switch
        {
            "video" => StreamKind.Video,
            "audio" => StreamKind.Audio,
            "subtitle" => StreamKind.Subtitle,
            "attachment" => StreamKind.Attachment,
            _ => StreamKind.Data,
        };
        var tags = s.TryGetProperty("tags", out var t) ? t : default;
        var disposition = s.TryGetProperty("disposition", out var d) ? d : default;
        var pixelFormat = String(s, "pix_fmt");
        var frameRateFraction = Fraction(String(s, "avg_frame_rate")) is > 0 ? String(s, "avg_frame_rate")
            : Fraction(String(s, "r_frame_rate")) is > 0 ? String(s, "r_frame_rate") : null;
        var sar = String(s, "sample_aspect_ratio");
        return new MediaStream(
            (int)(Long(s, "index") ?? 0),
            kind,
            String(s, "codec_name") ?? "none",
            (int)(Long(s, "width") ?? 0),
            (int)(Long(s, "height") ?? 0),
            Fraction(frameRateFraction) ?? 0,
            Long(s, "nb_frames"),
            pixelFormat,
            kind == StreamKind.Video ? BitDepth(pixelFormat, Long(s, "bits_per_raw_sample")) : 0,
            Rotation(s, tags),
            sar is null or "0:1" or "N/A" ? null : sar,
            Known(String(s, "color_primaries")),
            Known(String(s, "color_transfer")),
            Known(String(s, "color_space")),
            Known(String(s, "color_range")),
            Known(String(s, "field_order")),
            (int)(Long(s, "channels") ?? 0),
            String(tags, "language"),
            Long(disposition, "attached_pic") == 1)
        {
            FrameRateFraction = frameRateFraction,
            StreamFrameRate = Fraction(String(s, "r_frame_rate")) is > 0 ? String(s, "r_frame_rate") : null,
            IsVariableFrameRate = kind == StreamKind.Video && Fraction(String(s, "avg_frame_rate")) is double average and > 0
                && Fraction(String(s, "r_frame_rate")) is double stream and > 0 && IsVariable(average, stream),
            StartTime = Seconds(s, "start_time"),
            Duration = Seconds(s, "duration") ?? DurationTag(tags),
            Title = String(tags, "title"),
            HasAlpha = kind == StreamKind.Video && (HasAlphaPlane(pixelFormat) || String(tags, "alpha_mode") == "1" || String(tags, "ALPHA_MODE") == "1"),
        };
    }

    /// The average rate strays more than 1 % from the stream's base rate. Interlaced H.264 and MPEG-2
    /// often state the field rate as the base rate (60000/1001 for 30000/1001 frames): twice the
    /// average is constant, not variable.
    private static bool IsVariable(double average, double stream) =>
        Math.Abs(average - stream) > 0.01 * stream && Math.Abs((2 * average) - stream) > 0.005 * stream;

    /// Degrees clockwise that a player turns the stored picture (0, 90, 180, 270). The display matrix's
    /// "rotation" is counter-clockwise, the legacy "rotate" tag clockwise.
    private static int Rotation(JsonElement stream, JsonElement tags)
    {
        double? degrees = null;
        if (stream.TryGetProperty("side_data_list", out var sideData))
        {
            foreach (var item in sideData.EnumerateArray())
            {
                if (Double(item, "rotation") is { } r)
                {
                    degrees = -r;
                }
            }
        }

        if (degrees is null && Double(tags, "rotate") is { } tag)
        {
            degrees = tag;
        }

        var normalized = (int)Math.Round((degrees ?? 0) / 90.0) * 90 % 360;
        return normalized < 0 ? normalized + 360 : normalized;
    }

    internal static int BitDepth(string? pixelFormat, long? bitsPerRawSample)
    {
        if (bitsPerRawSample is > 0 and <= 16)
        {
            return (int)bitsPerRawSample;
        }

        if (pixelFormat is null)
        {
            return 8;
        }

        var match = DepthSuffix().Match(pixelFormat);
        if (match.Success)
        {
            return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return pixelFormat switch
        {
            "rgb48le" or "rgb48be" or "rgba64le" or "rgba64be" or "bgr48le" or "bgra64le" => 16,
            "x2rgb10le" or "x2bgr10le" or "v210" or "y210le" => 10,
            _ => 8,
        };
    }

    private static bool HasAlphaPlane(string? pixelFormat) =>
        pixelFormat is not null && (pixelFormat.StartsWith("yuva", StringComparison.Ordinal)
            || pixelFormat.StartsWith("gbrap", StringComparison.Ordinal)
            || pixelFormat.StartsWith("ya", StringComparison.Ordinal)
            || pixelFormat.Contains("rgba", StringComparison.Ordinal) || pixelFormat.Contains("bgra", StringComparison.Ordinal)
            || pixelFormat.Contains("argb", StringComparison.Ordinal) || pixelFormat.Contains("abgr", StringComparison.Ordinal));

    private static string? Known(string? value) => value is null or "unknown" or "unspecified" ? null : value;

    private static TimeSpan? DurationTag(JsonElement tags)
    {
        // Matroska keeps per-stream durations as a "DURATION" tag like 00:00:05.005000000.
        var text = String(tags, "DURATION") ?? String(tags, "duration");
        return text is not null && TimeSpan.TryParse(text.Length > 16 ? text[..16] : text, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    internal static double? Fraction(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) ? plain : null;
        }

        return double.TryParse(text[..slash], NumberStyles.Float, CultureInfo.InvariantCulture, out var num)
            && double.TryParse(text[(slash + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var den)
            && den != 0 ? num / den : null;
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static long? Long(JsonElement element, string name) =>
        long.TryParse(String(element, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static double? Double(JsonElement element, string name) =>
        double.TryParse(String(element, name), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static TimeSpan? Seconds(JsonElement element, string name) =>
        Double(element, name) is { } s && double.IsFinite(s) ? TimeSpan.FromSeconds(s) : null;

    [GeneratedRegex(@"p(\d{1,2})(le|be)$")]
    private static partial Regex DepthSuffix();
}
