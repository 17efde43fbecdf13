namespace Upres.Engine.Pipeline;

/// What a request will produce from a probed input, as OutputPlanner.Plan decides it: the numbers a
/// caller prices and stores, and the numbers the engine's run is held to (UpscaleRequest.Plan).
/// Frames is the planned frame count (the header's count, or the trimmed / capped / interpolated
/// span's); Duration the output's length, which billing rounds up to whole seconds.
public sealed record PlannedOutput(
    int Width, int Height, double FrameRate, TimeSpan Duration, long Frames, int SourceWidth, int SourceHeight, double SourceFrameRate);
