namespace Upres.Engine.Pipeline;

/// Counts encoded frames and tells the caller at most once per interval, plus once at the end.
internal sealed class ProgressReporter(IProgress<UpscaleProgress>? progress, long estimatedFrames, long started, VideoUpscalerOptions options)
{
    private long _lastReport = long.MinValue;

    public long FramesDone { get; private set; }

    public void FrameDone()
    {
        FramesDone++;
        var now = options.TimeProvider.GetTimestamp();
        if (_lastReport == long.MinValue || options.TimeProvider.GetElapsedTime(_lastReport, now) >= options.ProgressInterval)
        {
            _lastReport = now;
            Report(now, Math.Max(estimatedFrames, FramesDone));
        }
    }

    public void Finish() => Report(options.TimeProvider.GetTimestamp(), FramesDone);

    private void Report(long now, long total)
    {
        if (progress is null)
        {
            return;
        }

        var elapsed = options.TimeProvider.GetElapsedTime(started, now);
        var fps = elapsed.TotalSeconds > 0 ? FramesDone / elapsed.TotalSeconds : 0;
        progress.Report(new UpscaleProgress(FramesDone, total, fps, elapsed));
    }
}
