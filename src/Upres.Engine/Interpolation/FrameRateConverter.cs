namespace Upres.Engine.Interpolation;

/// Where each output frame of a constant-rate conversion sits on the source's frames: output frame
/// j is shown at j / target, which is source position j * source / target = Index + T (T in [0, 1)).
/// A source of n frames lasts n / source seconds, so the output has round(n * target / source)
/// frames and the same duration.
public sealed class FrameRateConverter(FrameRate source, FrameRate target)
{
    public FrameRate Source { get; } = source;
    public FrameRate Target { get; } = target;

    // position = j * (sN * tD) / (sD * tN), kept as an exact fraction.
    private readonly Int128 _step = (Int128)source.Numerator * target.Denominator;
    private readonly Int128 _unit = (Int128)source.Denominator * target.Numerator;

    public (long Index, double T) Position(long outputFrame)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outputFrame);
        var position = outputFrame * _step;
        var index = position / _unit;
        return ((long)index, (double)(position - (index * _unit)) / (double)_unit);
    }

    /// round(sourceFrames * target / source), halves up.
    public long OutputFrames(long sourceFrames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sourceFrames);
        var scaled = (Int128)sourceFrames * _unit;
        return (long)(((2 * scaled) + _step) / (2 * _step));
    }

    /// The fewest source frames that could make `outputFrames` frames (for the decoder's budget).
    public long SourceFramesFor(long outputFrames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outputFrames);
        var scaled = (Int128)outputFrames * _step;
        return (long)((scaled + _unit - 1) / _unit);
    }
}
