using System.Globalization;
using System.Text.RegularExpressions;

namespace Upres.Engine.Pipeline;

/// Collects each decoded frame's presentation time from ffmpeg's showinfo lines on stderr.
internal sealed partial class FrameTimestamps
{
    private readonly List<double> _seconds = [];
    private long _timeBaseNum;
    private long _timeBaseDen;

    public static bool IsShowinfo(string line) => line.Contains("Parsed_showinfo", StringComparison.Ordinal);

    public void OnStderrLine(string line)
    {
        if (!IsShowinfo(line))
        {
            return;
        }

        var timeBase = TimeBaseLine().Match(line);
        if (timeBase.Success)
        {
            _timeBaseNum = long.Parse(timeBase.Groups[1].Value, CultureInfo.InvariantCulture);
            _timeBaseDen = long.Parse(timeBase.Groups[2].Value, CultureInfo.InvariantCulture);
            return;
        }

        var match = FrameLine().Match(line);
        if (!match.Success)
        {
            return;
        }

        // pts_time is printed with only six significant digits (10 ms steps after 1000 s): use pts x time base.
        double seconds;
        if (_timeBaseDen > 0 && long.TryParse(match.Groups[1].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pts))
        {
            seconds = (double)pts * _timeBaseNum / _timeBaseDen;
        }
        else if (!double.TryParse(match.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds))
        {
            return;
        }

        lock (_seconds)
        {
            _seconds.Add(seconds);
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

    /// The frame count of the last block ffmpeg's -progress wrote: the frames that reached the output.
    public static long? LastProgressFrame(string progressOutput)
    {
        var matches = ProgressFrameLine().Matches(progressOutput);
        return matches.Count == 0 ? null : long.Parse(matches[^1].Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^frame=(\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ProgressFrameLine();

    [GeneratedRegex(@"\bn:\s*\d+\s+pts:\s*(-?\d+)\s+pts_time:(-?[0-9.e+-]+)")]
    private static partial Regex FrameLine();

    [GeneratedRegex(@"config in time_base:\s*(\d+)/(\d+)")]
    private static partial Regex TimeBaseLine();
}
