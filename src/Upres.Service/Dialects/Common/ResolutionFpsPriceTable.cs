namespace Upres.Service.Dialects;

/// Credits per minute of output by resolution bracket and frame-rate bracket. The default rows are
/// HitPaw's published table, which is the same shape as the service's price table: a bracket is
/// "that size and below" in either orientation.
public sealed record ResolutionFpsPriceTable(IReadOnlyList<ResolutionFpsPriceTable.Row> Rows)
{
    public sealed record Row(int MaxLongSide, int MaxShortSide, double MaxFps, decimal CreditsPerMinute, decimal MaxMinutes);

    public static ResolutionFpsPriceTable HitPaw { get; } = new(
    [
        new(1280, 720, 30, 1, 600), new(1920, 1080, 30, 2, 300), new(3840, 2160, 30, 3, 200), new(7680, 4320, 30, 4, 150),
        new(1280, 720, 60, 2, 300), new(1920, 1080, 60, 4, 150), new(3840, 2160, 60, 6, 100), new(7680, 4320, 60, 8, 75),
        new(1280, 720, double.PositiveInfinity, 4, 150), new(1920, 1080, double.PositiveInfinity, 8, 75),
        new(3840, 2160, double.PositiveInfinity, 12, 50), new(7680, 4320, double.PositiveInfinity, 16, 37.5m),
    ]);

    /// The first row whose frame-rate bracket and then size bracket fit; null beyond 8K.
    public Row? Find(int width, int height, double fps)
    {
        var longSide = Math.Max(width, height);
        var shortSide = Math.Min(width, height);
        var fpsBracket = Rows.Select(r => r.MaxFps).Distinct().Order().FirstOrDefault(f => fps <= f + 1e-6, double.NaN);
        if (double.IsNaN(fpsBracket))
        {
            return null;
        }

        return Rows.Where(r => r.MaxFps == fpsBracket && longSide <= r.MaxLongSide && shortSide <= r.MaxShortSide)
            .OrderBy(r => r.MaxLongSide)
            .FirstOrDefault();
    }

    /// Credits for a quote, per second of the per-minute rate (no rounding up to whole minutes: the
    /// vendor's 37.5-minute limit shows that minutes are fractional).
    public decimal? Credits(PriceQuery q)
    {
        var row = Find(q.OutputWidth, q.OutputHeight, q.OutputFps);
        return row is null ? null : row.CreditsPerMinute * q.BillableSeconds / 60m;
    }
}
