namespace Upres.Engine.Pipeline;

public sealed record VideoUpscalerOptions
{
    public string FfmpegPath { get; init; } = "ffmpeg";
    public string FfprobePath { get; init; } = "ffprobe";
    public string MkvmergePath { get; init; } = "mkvmerge";

    /// Frames held between stages: enough to keep all three busy, few enough to bound memory at 4K x4.
    public int ChannelCapacity { get; init; } = 3;

    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// Steps of Linux niceness below the caller's that each frame's thread and the ffmpeg children run at (Niceness); 0 leaves them.
    public int Niceness { get; init; }

    /// For requests that do not say (UpscaleRequest.HeldFrames).
    public HeldFramePolicy HeldFrames { get; init; } = HeldFramePolicy.Default;
}
