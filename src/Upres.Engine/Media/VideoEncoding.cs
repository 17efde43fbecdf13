using System.Globalization;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Media;

/// The video encoder's side of ffmpeg: each codec's encoder and its settings, the output pixel
/// format, and the colour matrix, range and tags the output is converted to and labelled with.
internal static class VideoEncoding
{
    public static readonly string[] X26xPresets =
        ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"];

    public static string PixelFormat(VideoCodec codec, bool deep) => codec switch
    {
        VideoCodec.ProRes => "yuv422p10le",
        VideoCodec.H265 or VideoCodec.Vp9 or VideoCodec.Av1 when deep => "yuv420p10le",
        _ => "yuv420p",
    };

    public sealed record Matrix(string Swscale, string Tag);

    /// The same matrix converts in and out, and the output is tagged with it: an untagged SD source upscaled
    /// to HD would otherwise be guessed as BT.709 by players and shift in colour.
    public static (Matrix Matrix, string Range) Colour(MediaStream video, int height)
    {
        var matrix = video.ColorSpace switch
        {
            "bt709" => new Matrix("bt709", "bt709"),
            "bt470bg" => new Matrix("bt601", "bt470bg"),
            "smpte170m" => new Matrix("bt601", "smpte170m"),
            "bt2020nc" or "bt2020c" => new Matrix("bt2020", "bt2020nc"),
            "smpte240m" => new Matrix("smpte240m", "smpte240m"),
            "fcc" => new Matrix("fcc", "fcc"),
            _ => height >= 720 ? new Matrix("bt709", "bt709") : new Matrix("bt601", "smpte170m"),
        };
        var range = video.ColorRange == "pc" || (video.PixelFormat?.StartsWith("yuvj", StringComparison.Ordinal) ?? false) ? "full" : "limited";
        return (matrix, range);
    }

    public static IEnumerable<string> ColourTags(MediaStream video, Matrix matrix, string range)
    {
        yield return "-colorspace";
        yield return matrix.Tag;
        yield return "-color_range";
        yield return range == "full" ? "pc" : "tv";
        // ffprobe prints libavutil's names; a few differ from the names the -color_* options accept.
        var primaries = video.ColorPrimaries switch
        {
            "jedec-p22" => "ebu3213",
            "bt709" or "bt470m" or "bt470bg" or "smpte170m" or "smpte240m" or "film" or "bt2020" or "smpte428" or "smpte431" or "smpte432" => video.ColorPrimaries,
            _ => null,
        };
        if (primaries is not null)
        {
            yield return "-color_primaries";
            yield return primaries;
        }

        var transfer = video.ColorTransfer switch
        {
            "bt470m" => "gamma22",
            "bt470bg" => "gamma28",
            "log100" => "log",
            "log316" => "log_sqrt",
            "bt709" or "smpte170m" or "smpte240m" or "linear" or "iec61966-2-4" or "iec61966-2-1" or "bt2020-10" or "bt2020-12"
                or "smpte2084" or "smpte428" or "arib-std-b67" => video.ColorTransfer,
            _ => null,
        };
        if (transfer is not null)
        {
            yield return "-color_trc";
            yield return transfer;
        }
    }

    public static IEnumerable<string> Arguments(UpscaleRequest request, ContainerFormat container)
    {
        var bitrate = request.BitrateKbps is { } kbps ? kbps.ToString(CultureInfo.InvariantCulture) + "k" : null;
        string Crf(int fallback) => (request.Crf ?? fallback).ToString(CultureInfo.InvariantCulture);
        switch (request.Codec)
        {
            case VideoCodec.H264:
                return ["-c:v", "libx264", "-preset", request.Preset ?? "medium", .. bitrate is null ? ["-crf", Crf(18)] : new[] { "-b:v", bitrate }];
            case VideoCodec.H265:
                string[] tag = container is ContainerFormat.Mp4 or ContainerFormat.Mov ? ["-tag:v", "hvc1"] : [];
                return ["-c:v", "libx265", "-preset", request.Preset ?? "medium", "-x265-params", "log-level=error",
                    .. bitrate is null ? ["-crf", Crf(20)] : new[] { "-b:v", bitrate }, .. tag];
            case VideoCodec.Vp9:
                return ["-c:v", "libvpx-vp9", "-row-mt", "1", "-deadline", "good", "-cpu-used", SpeedLevel(request.Preset, 8, 4),
                    .. bitrate is null ? ["-crf", Crf(31), "-b:v", "0"] : new[] { "-b:v", bitrate }];
            case VideoCodec.Av1:
                return ["-c:v", "libsvtav1", "-preset", SpeedLevel(request.Preset, 13, 8),
                    .. bitrate is null ? ["-crf", Crf(32)] : new[] { "-b:v", bitrate }];
            case VideoCodec.ProRes:
                return ["-c:v", "prores_ks", "-profile:v", request.Preset switch
                {
                    "proxy" => "0", "lt" => "1", "hq" => "3", _ => "2",
                }, "-vendor", "apl0"];
            default:
                throw new UpscaleException(UpscaleErrorCodes.InvalidRequest, $"unknown codec {request.Codec}");
        }
    }

    /// libvpx and SVT-AV1 take a numeric speed; accept that or an x264-style name.
    private static string SpeedLevel(string? preset, int fastest, int fallback)
    {
        if (preset is null)
        {
            return fallback.ToString(CultureInfo.InvariantCulture);
        }

        if (int.TryParse(preset, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 && n <= fastest)
        {
            return preset;
        }

        var index = Array.IndexOf(X26xPresets, preset);
        if (index < 0)
        {
            throw new UpscaleException(UpscaleErrorCodes.InvalidRequest, $"preset '{preset}' is neither 0..{fastest} nor an x264-style name");
        }

        // ultrafast -> fastest ... placebo -> 0
        return (fastest - (int)Math.Round(index * fastest / 9.0)).ToString(CultureInfo.InvariantCulture);
    }
}
