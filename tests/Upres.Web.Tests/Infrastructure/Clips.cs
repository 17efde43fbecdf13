using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Upres.Web.Tests.Infrastructure;

/// Real clips made by ffmpeg per test, and ffprobe's reading of a file.
public static class Clips
{
    /// testsrc2 with a tone: `seconds` long, at the smallest size the service accepts by default.
    public static string Make(string directory, string name, double seconds, int width = 128, int height = 128, int fps = 5)
    {
        var path = Path.Combine(directory, name);
        Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", $"testsrc2=size={width}x{height}:rate={fps}", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050",
            "-t", seconds.ToString(CultureInfo.InvariantCulture), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", path]);
        return path;
    }

    public static (int Width, int Height, double Duration, string Codec) Probe(string path)
    {
        var json = JsonNode.Parse(Run("ffprobe", ["-v", "error", "-print_format", "json", "-show_streams", "-show_format", path]))!;
        var video = json["streams"]!.AsArray().First(s => (string?)s!["codec_type"] == "video")!;
        return ((int)video["width"]!, (int)video["height"]!,
            double.Parse((string)json["format"]!["duration"]!, CultureInfo.InvariantCulture), (string)video["codec_name"]!);
    }

    private static string Run(string exe, IEnumerable<string> args)
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
        return p.ExitCode == 0 ? stdout.Result : throw new InvalidOperationException($"{exe} failed: {stderr}");
    }
}
