using System.Globalization;
using Upres.Engine.Media;

namespace Upres.Service.Previews;

/// Stills and thumbnail strips cut from a video by ffmpeg (through the engine's process runner), for
/// the page's before/after view and trim timeline. Bounded in time; the image comes back on stdout.
public sealed class FrameRenderer
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// One frame at `at` as PNG (lossless, so the page can zoom to single pixels), at the video's own size.
    public Task<byte[]> StillAsync(string path, TimeSpan at, CancellationToken cancellationToken)
        => RunAsync(
            [.. Seek(at), "-i", path, "-map", "0:v:0", "-frames:v", "1", "-vf", "format=rgb24", "-c:v", "png", "-f", "image2pipe", "pipe:1"],
            cancellationToken);

    /// `count` evenly spaced frames of `height` pixels side by side in one JPEG (a trim timeline's strip).
    public Task<byte[]> StripAsync(string path, TimeSpan duration, int count, int height, CancellationToken cancellationToken)
    {
        var seconds = Math.Max(duration.TotalSeconds, 0.04);
        var rate = (count / seconds).ToString("0.######", CultureInfo.InvariantCulture);
        var filter = $"fps={rate},scale=-2:{height.ToString(CultureInfo.InvariantCulture)},tile={count.ToString(CultureInfo.InvariantCulture)}x1";
        return RunAsync(
            ["-i", path, "-map", "0:v:0", "-an", "-vf", filter, "-frames:v", "1", "-q:v", "5", "-c:v", "mjpeg", "-f", "image2pipe", "pipe:1"],
            cancellationToken);
    }

    private static string[] Seek(TimeSpan at) => ["-ss", Math.Max(0, at.TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture)];

    private static async Task<byte[]> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        await using var ffmpeg = ProcessRunner.Start("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", .. arguments],
            new ProcessOptions { CaptureStandardOutput = false, Timeout = Limit, GracefulStopTimeout = TimeSpan.Zero });
        using var image = new MemoryStream();
        var copy = ffmpeg.StandardOutput.CopyToAsync(image, cancellationToken);
        await ffmpeg.WaitAsync(cancellationToken).ConfigureAwait(false);
        await copy.ConfigureAwait(false);
        if (image.Length == 0)
        {
            throw new ProcessFailedException(ffmpeg.CommandLine, 0, ["no frame at that time"]);
        }

        return image.ToArray();
    }
}
