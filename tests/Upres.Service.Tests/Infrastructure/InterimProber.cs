using System.Globalization;
using System.Text.Json.Nodes;
using Upres.Engine.Media;

namespace Upres.Service.Tests.Infrastructure;

/// Real ffprobe, read into MediaInfo, used only while the engine's FfprobeClient has not reached
/// this branch (UpresTestServer picks the engine's when it exists).
public sealed class InterimProber : IMediaProber
{
    public static bool Needed => typeof(IMediaProber).Assembly.GetType("Upres.Engine.Media.FfprobeClient") is null;

    public Task<MediaInfo> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        var json = JsonNode.Parse(Clips.Run("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "--", path]))!;
        var streams = json["streams"]!.AsArray().Select(s =>
        {
            var type = (string?)s!["codec_type"];
            var kind = type switch { "video" => StreamKind.Video, "audio" => StreamKind.Audio, "subtitle" => StreamKind.Subtitle, _ => StreamKind.Data };
            var rate = ((string?)s["avg_frame_rate"] ?? "0/1").Split('/');
            var den = double.Parse(rate[1], CultureInfo.InvariantCulture);
            var fps = den == 0 ? 0 : double.Parse(rate[0], CultureInfo.InvariantCulture) / den;
            return new MediaStream((int)s["index"]!, kind, (string?)s["codec_name"] ?? "", (int?)s["width"] ?? 0, (int?)s["height"] ?? 0, fps,
                null, (string?)s["pix_fmt"], 8, 0, null, null, null, null, null, null, (int?)s["channels"] ?? 0, null, false);
        }).ToList();
        var format = json["format"]!;
        return Task.FromResult(new MediaInfo((string)format["format_name"]!,
            TimeSpan.FromSeconds(double.Parse((string)format["duration"]!, CultureInfo.InvariantCulture)),
            long.Parse((string)format["size"]!, CultureInfo.InvariantCulture), streams, 0));
    }
}
