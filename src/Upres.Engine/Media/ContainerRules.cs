using Upres.Engine.Pipeline;

namespace Upres.Engine.Media;

/// What each output container can carry, and what becomes of every source track there.
internal static class ContainerRules
{
    public static ContainerFormat Resolve(UpscaleRequest request)
    {
        if (request.Container is { } explicitContainer)
        {
            return explicitContainer;
        }

        return Path.GetExtension(request.OutputPath).ToUpperInvariant() switch
        {
            ".MP4" or ".M4V" => ContainerFormat.Mp4,
            ".MKV" => ContainerFormat.Mkv,
            ".MOV" => ContainerFormat.Mov,
            ".WEBM" => ContainerFormat.Webm,
            ".AVI" => ContainerFormat.Avi,
            var other => throw new UpscaleException(UpscaleErrorCodes.UnsupportedContainer,
                $"cannot tell the container from the output name '{Path.GetFileName(request.OutputPath)}' ({(other.Length == 0 ? "no extension" : other)}); use .mp4, .mkv, .mov, .webm or .avi or set the container"),
        };
    }

    public static bool Carries(ContainerFormat container, VideoCodec codec) => container switch
    {
        ContainerFormat.Mkv => true,
        ContainerFormat.Mp4 => codec is VideoCodec.H264 or VideoCodec.H265 or VideoCodec.Av1 or VideoCodec.Vp9,
        ContainerFormat.Mov => codec is VideoCodec.H264 or VideoCodec.H265 or VideoCodec.ProRes,
        ContainerFormat.Webm => codec is VideoCodec.Vp9 or VideoCodec.Av1,
        // AVI has no B-frame-safe timestamps for the newer codecs; H.264 is what players read there.
        ContainerFormat.Avi => codec is VideoCodec.H264,
        _ => false,
    };

    public static string MuxerName(ContainerFormat container) => container switch
    {
        ContainerFormat.Mp4 => "mp4",
        ContainerFormat.Mov => "mov",
        ContainerFormat.Mkv => "matroska",
        ContainerFormat.Webm => "webm",
        ContainerFormat.Avi => "avi",
        _ => throw new ArgumentOutOfRangeException(nameof(container)),
    };

    /// The audio codec to write, or null to copy the source track as is.
    public static string? AudioEncoder(ContainerFormat container, MediaStream audio) => container switch
    {
        ContainerFormat.Mkv => null,
        ContainerFormat.Webm => audio.CodecName is "opus" or "vorbis" ? null : "libopus",
        ContainerFormat.Mp4 => audio.CodecName is "aac" or "mp3" or "ac3" or "eac3" or "opus" or "alac" or "flac" ? null : "aac",
        ContainerFormat.Mov => audio.CodecName is "aac" or "mp3" or "ac3" or "eac3" or "alac"
            || audio.CodecName.StartsWith("pcm_", StringComparison.Ordinal) ? null : "aac",
        // MP3 takes every sample rate a source may have (AC-3 only 32, 44.1 and 48 kHz).
        ContainerFormat.Avi => audio.CodecName is "mp3" or "ac3" ? null : "libmp3lame",
        _ => "aac",
    };

    /// What a track is re-encoded to when it cannot be copied.
    public static string DefaultAudioEncoder(ContainerFormat container) => container switch
    {
        ContainerFormat.Webm => "libopus",
        ContainerFormat.Avi => "libmp3lame",
        _ => "aac",
    };

    private static readonly HashSet<string> TextSubtitles = ["subrip", "srt", "ass", "ssa", "mov_text", "webvtt", "text"];

    /// "copy", an encoder name, or null when the container cannot carry the track (it is dropped with a warning).
    public static string? SubtitleCodec(ContainerFormat container, MediaStream subtitle)
    {
        var isText = TextSubtitles.Contains(subtitle.CodecName);
        return container switch
        {
            ContainerFormat.Mp4 or ContainerFormat.Mov => isText ? (subtitle.CodecName == "mov_text" ? "copy" : "mov_text") : null,
            ContainerFormat.Webm => isText ? (subtitle.CodecName == "webvtt" ? "copy" : "webvtt") : null,
            ContainerFormat.Mkv => subtitle.CodecName switch
            {
                "mov_text" or "text" => "srt",
                "subrip" or "ass" or "ssa" or "webvtt" or "hdmv_pgs_subtitle" or "dvd_subtitle" or "dvb_subtitle" => "copy",
                _ => null,
            },
            _ => null,
        };
    }
}
