using System.Globalization;
using System.Text.RegularExpressions;

namespace Upres.Engine.Pipeline;

/// Collects each decoded frame's presentation time from ffmpeg's showinfo lines on stderr.
internal sealed partial class FrameTimestamps
{
    private readonly List<double> _seconds = [];

    public static bool IsShowinfo(string line) => line.Contains("Parsed_showinfo", StringComparison.Ordinal);

    public void OnStderrLine(string line)
    {
        if (!IsShowinfo(line))
        {
            return;
        }

        var match = FrameLine().Match(line);
        if (match.Success && double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            lock (_seconds)
            {
                _seconds.Add(seconds);
            }
        }
    }

    public IReadOnlyList<double> Seconds
    {
        get
        {
            lock (_seconds)
            {
                return [.. _seconds];
            }
        }
    }

    /// True when every frame sits within half a millisecond of first + i / rate: the encoder's own clock is exact.
    public static bool IsConstantRate(IReadOnlyList<double> seconds, double rate)
    {
        for (var i = 0; i < seconds.Count; i++)
        {
            if (Math.Abs(seconds[i] - seconds[0] - (i / rate)) > 0.0005)
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex(@"\bn:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(-?[0-9.e+-]+)")]
    private static partial Regex FrameLine();
}
