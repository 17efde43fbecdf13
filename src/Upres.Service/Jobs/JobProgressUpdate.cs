namespace Upres.Service.Jobs;

public sealed record JobProgressUpdate(double Progress, long FramesDone, long FramesTotal, double Fps, double? EtaSeconds);
