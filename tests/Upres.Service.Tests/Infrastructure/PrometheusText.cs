using System.Globalization;

namespace Upres.Service.Tests.Infrastructure;

/// Reads one series out of Prometheus text. The OpenTelemetry exporter writes a series without
/// labels as `name{} 1`, others as `name{a="x"} 1`, optionally followed by a timestamp.
public static class PrometheusText
{
    /// The value of `name` with exactly `labels` (as written, e.g. `state="completed"`; empty for none), or null.
    public static double? Value(string text, string name, string labels = "")
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var end = line.IndexOf('}', StringComparison.Ordinal) is var brace and >= 0 ? brace + 1 : line.IndexOf(' ', StringComparison.Ordinal);
            if (end <= 0)
            {
                continue;
            }

            var series = line[..end];
            if (series == $"{name}{{{labels}}}" || (labels.Length == 0 && series == name))
            {
                var value = line[end..].Trim().Split(' ')[0];
                return double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
