namespace Upres.Service.Dialects.HitPaw;

/// One row of HitPaw's model table and what Upres runs for it.
public sealed record HitPawModel(int Id, string VendorName, ModelFamily Family, int Denoise, ClassicalFilter Filter, bool NeedsFaceModel)
{
    public static IReadOnlyList<HitPawModel> All { get; } =
    [
        new(3, "Color Enhancement", ModelFamily.RealWorld, 0, ClassicalFilter.ColorEnhance, false),
        new(4, "Animation Model", ModelFamily.Animation, 0, ClassicalFilter.None, false),
        new(5, "Colorize Model", ModelFamily.RealWorld, 0, ClassicalFilter.None, true),
        new(6, "Face Model (Sharp) + Colorize Model", ModelFamily.RealWorld, 0, ClassicalFilter.None, true),
        new(15, "Low-Light Enhancement Model", ModelFamily.RealWorld, 1, ClassicalFilter.LowLight, false),
        new(17, "General Denoise Model (Balance)", ModelFamily.RealWorld, 1, ClassicalFilter.None, false),
        new(18, "Face Model (Sharp)", ModelFamily.RealWorld, 0, ClassicalFilter.None, true),
        new(20, "General Denoise Model (Quality)", ModelFamily.RealWorldStrong, 2, ClassicalFilter.None, false),
        new(24, "Face Model (Soft)", ModelFamily.RealWorld, 0, ClassicalFilter.None, true),
        new(25, "Face Model (Soft) + Colorize Model", ModelFamily.RealWorld, 0, ClassicalFilter.None, true),
    ];

    public static HitPawModel? Find(long id) => All.FirstOrDefault(m => m.Id == id);
}
