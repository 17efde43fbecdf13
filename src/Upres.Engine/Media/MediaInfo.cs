using System.Text.Json.Serialization;

namespace Upres.Engine.Media;

/// What ffprobe says about a file, reduced to what Upres decides on.
public sealed record MediaInfo(
    string FormatName,
    TimeSpan Duration,
    long SizeBytes,
    IReadOnlyList<MediaStream> Streams,
    int ChapterCount)
{
    public MediaStream? Video => Streams.FirstOrDefault(s => s.Kind == StreamKind.Video && !s.IsAttachedPicture);

    public IEnumerable<MediaStream> Audio => Streams.Where(s => s.Kind == StreamKind.Audio);

    public IEnumerable<MediaStream> Subtitles => Streams.Where(s => s.Kind == StreamKind.Subtitle);

    /// The container's start time; streams may start later (edit lists, transport streams).
    public TimeSpan StartTime { get; init; }

    /// The demuxer this file was probed with; every later ffmpeg call on it is pinned to it (Demuxers).
    [JsonIgnore]
    public string Demuxer => Demuxers.NameOf(FormatName);
}

public enum StreamKind { Video, Audio, Subtitle, Data, Attachment }

public sealed record MediaStream(
    int Index,
    StreamKind Kind,
    string CodecName,
    int Width,
    int Height,
    /// Average frame rate (frames per second); 0 when unknown.
    double FrameRate,
    /// Frame count when the container states it or it was counted; null when unknown.
    long? FrameCount,
    string? PixelFormat,
    int BitDepth,
    int Rotation,
    string? SampleAspectRatio,
    string? ColorPrimaries,
    string? ColorTransfer,
    string? ColorSpace,
    string? ColorRange,
    string? FieldOrder,
    int Channels,
    string? Language,
    bool IsAttachedPicture)
{
    /// Average frame rate as ffprobe's exact fraction (e.g. "30000/1001"); null when unknown.
    public string? FrameRateFraction { get; init; }

    public TimeSpan? StartTime { get; init; }

    /// ffprobe's r_frame_rate (the stream's base rate), e.g. "30/1"; null when unknown.
    public string? StreamFrameRate { get; init; }

    /// The average rate and the stream's base rate disagree by more than 1 %: frames are not
    /// evenly spaced (phone recordings, screen captures, edited VFR).
    public bool IsVariableFrameRate { get; init; }

    public TimeSpan? Duration { get; init; }

    public string? Title { get; init; }

    /// The source has an alpha channel (alpha pixel format, or VP8/VP9 with alpha_mode=1).
    public bool HasAlpha { get; init; }

    public bool IsBitmapSubtitle => Kind == StreamKind.Subtitle && CodecName is "hdmv_pgs_subtitle" or "dvd_subtitle" or "dvb_subtitle" or "xsub";
}
