using System.Globalization;
using System.Text.RegularExpressions;
using Upres.Engine.Media;

namespace Upres.Engine.Tests.Media;

/// ffmpeg's PSNR of two videos, over all planes and of the plane that differs most. Shared with
/// the service tests (linked into that project).
public static partial class VideoPsnr
{
    public static async Task<(double Average, double WorstPlane)> MeasureAsync(string a, string b)
    {
        Match? last = null;
        await ProcessRunner.RunAsync("ffmpeg", ["-hide_banner", "-nostdin", "-i", a, "-i", b, "-lavfi", "[0:v][1:v]psnr", "-f", "null", "-"],
            CancellationToken.None, new ProcessOptions
            {
                OnStandardErrorLine = line => last = PsnrLine().Match(line) is { Success: true } m ? m : last,
            });
        if (last is null)
        {
            throw new InvalidOperationException("ffmpeg printed no PSNR");
        }

        static double Db(Group g) => g.Value == "inf" ? double.PositiveInfinity : double.Parse(g.Value, CultureInfo.InvariantCulture);
        return (Db(last.Groups["avg"]), Math.Min(Db(last.Groups["y"]), Math.Min(Db(last.Groups["u"]), Db(last.Groups["v"]))));
    }

    [GeneratedRegex(@"PSNR y:(?<y>\S+) u:(?<u>\S+) v:(?<v>\S+) average:(?<avg>\S+)")]
    private static partial Regex PsnrLine();
}
