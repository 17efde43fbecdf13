namespace Upres.Engine.Pipeline;

/// Held frames: animation is mostly drawn on twos and threes and static shots repeat frames, so a
/// decoded frame that matches the frame the model last ran on reuses that frame's output instead
/// of running the model again. ThresholdDb is the conservative match: PSNR between the two inputs
/// at least this over the whole frame, and no 32x32 block of it more than 10 dB below (a small
/// moving mouth or eye stops the reuse even where the frame as a whole barely changed).
public sealed record HeldFramePolicy(bool Enabled, double ThresholdDb)
{
    public const double DefaultThresholdDb = 50;

    /// Thresholds below this would reuse frames that visibly differ.
    public const double MinThresholdDb = 30;

    public static HeldFramePolicy Default { get; } = new(true, DefaultThresholdDb);

    public static HeldFramePolicy Off { get; } = new(false, DefaultThresholdDb);

    public static bool IsValidThreshold(double db) => db >= MinThresholdDb && !double.IsNaN(db);
}
