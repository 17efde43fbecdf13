using System.Globalization;

namespace Upres.Engine.Interpolation;

/// A frame rate as an exact fraction, so output positions on the source's timeline never drift
/// (frame 1,000,000 of a 24 -> 60 conversion sits exactly where it should).
public readonly record struct FrameRate
{
    public FrameRate(long numerator, long denominator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numerator);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(denominator);
        var gcd = (long)System.Numerics.BigInteger.GreatestCommonDivisor(numerator, denominator);
        Numerator = numerator / gcd;
        Denominator = denominator / gcd;
    }

    public long Numerator { get; }
    public long Denominator { get; }

    public double PerSecond => (double)Numerator / Denominator;

    /// ffmpeg's notation: "60" or "60000/1001".
    public override string ToString() => Denominator == 1
        ? Numerator.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Numerator}/{Denominator}");

    /// A rate typed as a number: whole numbers stay whole, the NTSC family (23.976, 29.97, 59.94)
    /// becomes its exact n*1000/1001, anything else is kept to a thousandth of a frame.
    public static FrameRate FromDouble(double fps)
    {
        if (!double.IsFinite(fps) || fps <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fps), fps, "a frame rate is a positive number");
        }

        if (Math.Abs(fps - Math.Round(fps)) < 1e-9)
        {
            return new FrameRate((long)Math.Round(fps), 1);
        }

        var ntsc = Math.Round(fps * 1.001);
        if (Math.Abs((ntsc / 1.001) - fps) < 0.0015)
        {
            return new FrameRate((long)ntsc * 1000, 1001);
        }

        return new FrameRate((long)Math.Round(fps * 1000), 1000);
    }

    /// ffprobe's "30000/1001" (or a plain number); null when it is not a positive rate.
    public static FrameRate? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = text.Split('/');
        if (parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var d))
        {
            return n > 0 && d > 0 ? new FrameRate(n, d) : null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var fps) && double.IsFinite(fps) && fps > 0
            ? FromDouble(fps)
            : null;
    }
}
