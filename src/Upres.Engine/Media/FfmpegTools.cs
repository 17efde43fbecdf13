using System.Globalization;

namespace Upres.Engine.Media;

/// The ffmpeg runs made outside a job's frame pipeline: stills and strips for previews, a
/// thumbnail, a trimmed copy of an original. Each reads a file whose first probe chose `demuxer`
/// (MediaInfo.Demuxer, or FfprobeClient.DetectDemuxerAsync) and is bounded in time; a failure
/// throws ProcessFailedException (with the command and stderr's tail) or TimeoutException.
public sealed class FfmpegTools(string ffmpegPath = "ffmpeg")
{
    private static readonly TimeSpan ImageLimit = TimeSpan.FromSeconds(30);

    /// One frame at `at` as PNG (lossless, so a page can zoom to single pixels), at the video's own size.
    public Task<byte[]> StillPngAsync(string path, string demuxer, TimeSpan at, CancellationToken cancellationToken) =>
        ImageAsync(
            ["-ss", Seconds(at), .. Demuxers.Input(path, demuxer),
             "-map", "0:v:0", "-frames:v", "1", "-vf", "format=rgb24", "-c:v", "png", "-f", "image2pipe", "pipe:1"],
            cancellationToken);

    /// `count` evenly spaced frames of `height` pixels side by side in one JPEG (a trim timeline's strip).
    public Task<byte[]> StripJpegAsync(string path, string demuxer, TimeSpan duration, int count, int height, CancellationToken cancellationToken)
    {
        var seconds = Math.Max(duration.TotalSeconds, 0.04);
        var rate = (count / seconds).ToString("0.######", CultureInfo.InvariantCulture);
        var filter = $"fps={rate},scale=-2:{Int(height)},tile={Int(count)}x1";
        return ImageAsync(
            [.. Demuxers.Input(path, demuxer), "-map", "0:v:0", "-an", "-vf", filter, "-frames:v", "1", "-q:v", "5", "-c:v", "mjpeg", "-f", "image2pipe", "pipe:1"],
            cancellationToken);
    }

    /// One JPEG frame `width` pixels wide at `at`, written to `outputPath`.
    public async Task ThumbnailAsync(string path, string demuxer, TimeSpan at, int width, string outputPath, CancellationToken cancellationToken) =>
        await ProcessRunner.RunAsync(ffmpegPath,
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-ss", Seconds(at), .. Demuxers.Input(path, demuxer),
             "-frames:v", "1", "-vf", $"scale={Int(width)}:-2", "-q:v", "4", "-f", "image2", "-c:v", "mjpeg", "file:" + Path.GetFullPath(outputPath)],
            cancellationToken, new ProcessOptions { Timeout = ImageLimit, CaptureStandardOutput = false }).ConfigureAwait(false);

    /// The range as a new MP4 (H.264 at CRF 12, AAC), re-encoded rather than stream copied so the cut
    /// is frame-exact instead of snapped to the nearest keyframe. A null duration runs to the end.
    public async Task TrimAsync(string path, string demuxer, TimeSpan start, TimeSpan? duration, string outputPath, CancellationToken cancellationToken) =>
        await ProcessRunner.RunAsync(ffmpegPath,
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-ss", Seconds(start), .. Demuxers.Input(path, demuxer),
             .. duration is { } d ? ["-t", Seconds(d)] : Array.Empty<string>(),
             "-map", "0:v:0", "-map", "0:a?", "-c:v", "libx264", "-preset", "veryfast", "-crf", "12", "-pix_fmt", "yuv420p",
             "-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart", "-f", "mp4", "file:" + Path.GetFullPath(outputPath)],
            cancellationToken, new ProcessOptions { GracefulStopTimeout = TimeSpan.FromSeconds(2) }).ConfigureAwait(false);

    private async Task<byte[]> ImageAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        await using var ffmpeg = ProcessRunner.Start(ffmpegPath, ["-hide_banner", "-nostdin", "-loglevel", "error", .. arguments],
            new ProcessOptions { CaptureStandardOutput = false, Timeout = ImageLimit, GracefulStopTimeout = TimeSpan.Zero });
        using var image = new MemoryStream();
        var copy = ffmpeg.StandardOutput.CopyToAsync(image, cancellationToken);
        await ffmpeg.WaitAsync(cancellationToken).ConfigureAwait(false);
        await copy.ConfigureAwait(false);
        return image.Length == 0
            ? throw new ProcessFailedException(ffmpeg.CommandLine, 0, ["no frame at that time"])
            : image.ToArray();
    }

    private static string Seconds(TimeSpan value) => Math.Max(0, value.TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
