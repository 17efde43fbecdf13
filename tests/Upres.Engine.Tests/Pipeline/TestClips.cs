using System.Globalization;
using System.Text.Json;
using Upres.Engine.Media;

namespace Upres.Engine.Tests.Pipeline;

/// Tiny clips made by ffmpeg at test time, in a folder deleted with the instance.
public sealed class TestClips : IDisposable
{
    public TestClips()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("upres-pipe-").FullName;
    }

    public string Directory { get; }

    public string PathFor(string name) => Path.Combine(Directory, name);

    public async Task<string> MakeAsync(string name, params string[] arguments)
    {
        var path = PathFor(name);
        await ProcessRunner.RunAsync("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", .. arguments, path], CancellationToken.None);
        return path;
    }

    /// 96x64 testsrc2 at 25 fps with a sine tone: the default clip.
    public Task<string> ColourBarsAsync(string name = "in.mp4", double seconds = 0.4, string size = "96x64", string rate = "25") =>
        MakeAsync(name,
            "-f", "lavfi", "-i", $"testsrc2=size={size}:rate={rate}",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", seconds.ToString(CultureInfo.InvariantCulture), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-shortest");

    public static async Task<JsonElement> ProbeJsonAsync(string path, params string[] extra)
    {
        var result = await ProcessRunner.RunAsync("ffprobe",
            ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-show_chapters", .. extra, path], CancellationToken.None);
        return JsonDocument.Parse(result.StandardOutput).RootElement.Clone();
    }

    /// Presentation times of the first video stream's frames, in seconds, sorted.
    public static async Task<double[]> FrameTimesAsync(string path)
    {
        var result = await ProcessRunner.RunAsync("ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,dts_time", "-of", "csv=p=0", path], CancellationToken.None);
        // Some muxers (MXF) leave pts unset on some packets; dts is then the presentation time.
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(f => f != "N/A"))
            .Where(t => t is not null)
            .Select(t => double.Parse(t!, CultureInfo.InvariantCulture)).Order().ToArray();
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
