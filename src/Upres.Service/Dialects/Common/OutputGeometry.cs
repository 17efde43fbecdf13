namespace Upres.Service.Dialects;

public static class OutputGeometry
{
    /// The output size for a target height that keeps the source's display aspect, both sides even
    /// (4:2:0 encoders refuse odd sizes).
    public static (int Width, int Height) KeepAspectForHeight(int sourceWidth, int sourceHeight, int targetHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceHeight);
        var height = Even(targetHeight);
        var width = Even((int)Math.Round((double)sourceWidth * height / sourceHeight, MidpointRounding.AwayFromZero));
        return (width, height);
    }

    public static (int Width, int Height) Scaled(int sourceWidth, int sourceHeight, int scale) =>
        (Even(sourceWidth * scale), Even(sourceHeight * scale));

    public static int Even(int value) => Math.Max(2, value + (value & 1));
}
