using System.Collections.Concurrent;
using System.Diagnostics;

namespace Upres.Service.Tests.Infrastructure;

/// Tiny real clips made by ffmpeg once per test run.
public static class Clips
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> Made = new();
    private static readonly string Folder = CreateFolder();

    /// The smallest clip the media limits accept (128x128), 5 fps, with audio: a few frames of real inference.
    public static string Tiny(double seconds = 1) => Small(seconds, 128, 128, 5);

    /// A 160x128 clip at 10 fps with a sine tone.
    public static string Small(double seconds = 1, int width = 160, int height = 128, int fps = 10)
        => Make($"small-{width}x{height}-{fps}-{seconds}.mp4",
            ["-f", "lavfi", "-i", $"testsrc2=size={width}x{height}:rate={fps}", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050",
             "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"]);

    /// 30 s of 10 fps video (128x128) in a Matroska file whose header (segment duration and DURATION
    /// tag) says 1 s: priced as one second, it holds 300 frames.
    public static string UnderstatedLength() => Made.GetOrAdd("says-one-second.mkv", n => new Lazy<string>(() =>
    {
        var honest = Make("thirty-seconds.mkv", ["-f", "lavfi", "-i", "testsrc2=size=128x128:rate=10", "-t", "30", "-c:v", "libx264", "-preset", "ultrafast"]);
        var bytes = File.ReadAllBytes(honest);
        // Segment Info Duration: EBML id 0x4489, size 8, a big-endian double in milliseconds.
        var at = bytes.AsSpan().IndexOf((ReadOnlySpan<byte>)[0x44, 0x89, 0x88]);
        System.Buffers.Binary.BinaryPrimitives.WriteDoubleBigEndian(bytes.AsSpan(at + 3, 8), 1000.0);
        var tag = bytes.AsSpan().IndexOf("00:00:30.0"u8);
        "00:00:01.0"u8.CopyTo(bytes.AsSpan(tag));
        var path = Path.Combine(Folder, n);
        File.WriteAllBytes(path, bytes);
        return path;
    })).Value;

    public static string Make(string name, string[] args)
        => Made.GetOrAdd(name, n => new Lazy<string>(() =>
        {
            var path = Path.Combine(Folder, n);
            Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", .. args, path]);
            return path;
        })).Value;

    public static string Run(string exe, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{exe} failed: {stderr}");
        }

        return stdout.Result;
    }

    /// width, height, frame rate, duration and whether there is audio, as ffprobe reads the file.
    public static (int Width, int Height, double Fps, double Duration, bool Audio) Probe(string path)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(Run("ffprobe", ["-v", "error", "-print_format", "json", "-show_streams", "-show_format", path]))!;
        var streams = json["streams"]!.AsArray();
        var video = streams.First(s => (string?)s!["codec_type"] == "video")!;
        var rate = ((string)video["avg_frame_rate"]!).Split('/');
        var fps = double.Parse(rate[0], System.Globalization.CultureInfo.InvariantCulture) / Math.Max(1, double.Parse(rate[1], System.Globalization.CultureInfo.InvariantCulture));
        return ((int)video["width"]!, (int)video["height"]!, fps,
            double.Parse((string)json["format"]!["duration"]!, System.Globalization.CultureInfo.InvariantCulture),
            streams.Any(s => (string?)s!["codec_type"] == "audio"));
    }

    // Removed when the test process ends (it was left behind, 14 MB a run).
    private static string CreateFolder()
    {
        var folder = TempDirectory.Create("upres-clips");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A child still writing into it; the system's temp cleaning takes it.
            }
        };
        return folder;
    }
}
