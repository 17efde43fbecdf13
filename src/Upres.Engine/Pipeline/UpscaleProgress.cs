namespace Upres.Engine.Pipeline;

public sealed record UpscaleProgress(long FramesDone, long FramesTotal, double FramesPerSecond, TimeSpan Elapsed)
{
    public double Fraction => FramesTotal <= 0 ? 0 : Math.Clamp((double)FramesDone / FramesTotal, 0, 1);

    public TimeSpan? Eta => FramesPerSecond > 0 && FramesTotal > 0
        ? TimeSpan.FromSeconds(Math.Max(0, FramesTotal - FramesDone) / FramesPerSecond)
        : null;
}

public sealed record UpscaleResult(string OutputPath, long Frames, TimeSpan Duration, int Width, int Height, double FrameRate)
{
    /// Things the caller should know about the output (alpha dropped, a subtitle track the container cannot carry).
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// Frames that repeated the frame before them closely enough to reuse its output (HeldFramePolicy).
    public long HeldFrames { get; init; }

    /// With a target frame rate: frames the interpolation model made.
    public long InterpolatedFrames { get; init; }

    /// With a target frame rate: scene cuts where a frame was repeated instead of interpolated.
    public long SceneCuts { get; init; }
}
