namespace Upres.Service.Dialects.Mingyan;

/// superResolution-{720p,1080p,2k,4k}-{lowfps,highfps}: the resolution class (the output's shorter
/// side) and the fps tier. highfps keeps the source's rate up to 120 fps ("generally" the tier's
/// range): a faster source is capped at 120, not refused.
public sealed record MingyanModel(string Name, int Height, bool HighFps)
{
    public const double LowFpsCap = 30;
    public const double HighFpsCap = 120;

    public static IReadOnlyList<MingyanModel> All { get; } =
    [
        .. new[] { ("720p", 720), ("1080p", 1080), ("2k", 1440), ("4k", 2160) }
            .SelectMany(t => new[]
            {
                new MingyanModel($"superResolution-{t.Item1}-lowfps", t.Item2, false),
                new MingyanModel($"superResolution-{t.Item1}-highfps", t.Item2, true),
            }),
    ];

    public double FpsCap => HighFps ? HighFpsCap : LowFpsCap;

    /// The tier's nominal rate for pricing: "billed by model tier", not by the file's real rate.
    public double NominalFps => HighFps ? 60 : 30;

    /// The rate a job is priced at: the tier's nominal rate, except that a highfps output above 60 fps
    /// (the tier keeps up to 120) is priced at what it makes, the table's above-60 rate.
    public double BilledFps(double outputFps) => HighFps ? Math.Max(NominalFps, outputFps) : NominalFps;

    public static MingyanModel? Find(string name) => All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal));
}
