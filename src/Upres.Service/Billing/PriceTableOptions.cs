using Upres.Engine.Models;

namespace Upres.Service.Billing;

/// The one price table (configuration section UPRES_PRICING). A row is "that size and below in
/// either orientation, at that frame rate and below". Default rates are in credits per second with
/// the same brackets and ratios as HitPaw's published per-minute table, so every door can price
/// from it.
public sealed class PriceTableOptions
{
    public List<PriceRow> Rows { get; set; } = [];

    /// Multipliers by catalog model name, by how much longer the model takes than the compact video
    /// models (multiplier 1). Configured entries replace or add to these defaults.
    public Dictionary<string, decimal> ModelMultipliers { get; set; } = new(DefaultModelMultipliers, StringComparer.Ordinal);

    /// By architecture, for every catalog model: RRDBNet (realesrgan-x4plus, the `quality` preset)
    /// runs about 15x longer than the compact video models on the same frames; Real-CUGAN's U-Net
    /// about 8x (an estimate from its layer shapes, not a measurement). Compact models and `none`: 1.
    public static IReadOnlyDictionary<string, decimal> DefaultModelMultipliers { get; } = ModelCatalog.Default.All
        .Where(m => m.Architecture != ModelArchitecture.SrVggNetCompact)
        .ToDictionary(m => m.Name, m => m.Architecture == ModelArchitecture.RrdbNet ? 15m : 8m, StringComparer.Ordinal);

    public static IReadOnlyList<PriceRow> DefaultRows { get; } =
    [
        new() { Name = "720p30", MaxLongSide = 1280, MaxShortSide = 720, MaxFps = 30, CreditsPerSecond = 1 },
        new() { Name = "1080p30", MaxLongSide = 1920, MaxShortSide = 1080, MaxFps = 30, CreditsPerSecond = 2 },
        new() { Name = "4k30", MaxLongSide = 3840, MaxShortSide = 2160, MaxFps = 30, CreditsPerSecond = 3 },
        new() { Name = "8k30", MaxLongSide = 7680, MaxShortSide = 4320, MaxFps = 30, CreditsPerSecond = 4 },
        new() { Name = "720p60", MaxLongSide = 1280, MaxShortSide = 720, MaxFps = 60, CreditsPerSecond = 2 },
        new() { Name = "1080p60", MaxLongSide = 1920, MaxShortSide = 1080, MaxFps = 60, CreditsPerSecond = 4 },
        new() { Name = "4k60", MaxLongSide = 3840, MaxShortSide = 2160, MaxFps = 60, CreditsPerSecond = 6 },
        new() { Name = "8k60", MaxLongSide = 7680, MaxShortSide = 4320, MaxFps = 60, CreditsPerSecond = 8 },
        new() { Name = "720p120", MaxLongSide = 1280, MaxShortSide = 720, MaxFps = 240, CreditsPerSecond = 4 },
        new() { Name = "1080p120", MaxLongSide = 1920, MaxShortSide = 1080, MaxFps = 240, CreditsPerSecond = 8 },
        new() { Name = "4k120", MaxLongSide = 3840, MaxShortSide = 2160, MaxFps = 240, CreditsPerSecond = 12 },
        new() { Name = "8k120", MaxLongSide = 7680, MaxShortSide = 4320, MaxFps = 240, CreditsPerSecond = 16 },
    ];
}

public sealed class PriceRow
{
    public string Name { get; set; } = "";
    public int MaxLongSide { get; set; }
    public int MaxShortSide { get; set; }
    public double MaxFps { get; set; }
    public decimal CreditsPerSecond { get; set; }
}
