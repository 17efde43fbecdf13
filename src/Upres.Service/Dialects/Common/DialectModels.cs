namespace Upres.Service.Dialects;

/// The one place where a dialect's model choice becomes a catalog name, so a renamed catalog
/// entry is a one-line change.
public static class DialectModels
{
    public const string RealWorld = "realesrgan-x4fast";
    public const string RealWorldStrong = "realesrgan-x4plus";
    public const string Animation = "realesr-animevideov3";

    public static string CatalogName(ModelFamily family) => family switch
    {
        ModelFamily.RealWorld => RealWorld,
        ModelFamily.RealWorldStrong => RealWorldStrong,
        ModelFamily.Animation => Animation,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, null),
    };
}
