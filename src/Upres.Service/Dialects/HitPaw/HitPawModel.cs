using Upres.Engine.Pipeline;

namespace Upres.Service.Dialects.HitPaw;

/// One row of HitPaw's model table and what Upres runs for it. ApiName is the v3 `model_name`:
/// "general-denoise-quality" is the one HitPaw's page shows; the others follow it, one per row.
public sealed record HitPawModel(int Id, string VendorName, string ApiName, ModelFamily Family, int Denoise, ClassicalFilter Filter, bool NeedsFaceModel)
{
    public static IReadOnlyList<HitPawModel> All { get; } =
    [
        new(3, "Color Enhancement", "color-enhancement", ModelFamily.RealWorld, 0, ClassicalFilter.ColorEnhance, false),
        new(4, "Animation Model", "animation", ModelFamily.Animation, 0, ClassicalFilter.None, false),
        new(5, "Colorize Model", "colorize", ModelFamily.RealWorld, 0, ClassicalFilter.None, true),
        new(6, "Face Model (Sharp) + Colorize Model", "face-sharp-colorize", ModelFamily.RealWorld, 0, ClassicalFilter.None, true),
        new(15, "Low-Light Enhancement Model", "low-light-enhancement", ModelFamily.RealWorld, 1, ClassicalFilter.LowLight, false),
        new(17, "General Denoise Model (Balance)", "general-denoise-balance", ModelFamily.RealWorld, 1, ClassicalFilter.None, false),
        new(18, "Face Model (Sharp)", "face-sharp", ModelFamily.RealWorld, 0, ClassicalFilter.None, true),
        new(20, "General Denoise Model (Quality)", "general-denoise-quality", ModelFamily.RealWorldStrong, 2, ClassicalFilter.None, false),
        new(24, "Face Model (Soft)", "face-soft", ModelFamily.RealWorld, 0, ClassicalFilter.None, true),
        new(25, "Face Model (Soft) + Colorize Model", "face-soft-colorize", ModelFamily.RealWorld, 0, ClassicalFilter.None, true),
    ];

    public static HitPawModel? Find(long id) => All.FirstOrDefault(m => m.Id == id);

    public static HitPawModel? Find(string apiName) => All.FirstOrDefault(m => string.Equals(m.ApiName, apiName, StringComparison.Ordinal));
}
