namespace Upres.Service.Jobs;

/// What the job will produce, decided before it is accepted (and priced on it).
public sealed record OutputPlan(int Width, int Height, double FrameRate, TimeSpan Duration, long Frames, int SourceWidth, int SourceHeight, double SourceFrameRate);
