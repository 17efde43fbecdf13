using Upres.Engine.Media;

namespace Upres.Service.Previews;

/// Stills and thumbnail strips cut from a video by the engine's ffmpeg tools, for the page's
/// before/after view and trim timeline, pinned to the demuxer of the file's whitelisted first probe.
public sealed class FrameRenderer(IMediaProber prober, FfmpegTools ffmpeg)
{
    /// One frame at `at` as PNG, at the video's own size.
    public async Task<byte[]> StillAsync(string path, TimeSpan at, CancellationToken cancellationToken)
        => await ffmpeg.StillPngAsync(path, await prober.DetectDemuxerAsync(path, cancellationToken), at, cancellationToken);

    /// `count` evenly spaced frames of `height` pixels side by side in one JPEG (a trim timeline's strip).
    public Task<byte[]> StripAsync(string path, MediaInfo probe, int count, int height, CancellationToken cancellationToken)
        => ffmpeg.StripJpegAsync(path, probe.Demuxer, probe.Duration, count, height, cancellationToken);
}
