namespace Upres.Engine.Media;

public sealed record ProcessOptions
{
    /// Collect stdout as text (ffprobe). When false the caller reads ChildProcess.StandardOutput itself.
    public bool CaptureStandardOutput { get; init; } = true;

    public bool RedirectStandardInput { get; init; }

    /// Called on the stderr pump's thread for every line (progress, showinfo).
    public Action<string>? OnStandardErrorLine { get; init; }

    /// Lines for which this is true are not kept for error messages (per-frame chatter such as showinfo).
    public Func<string, bool>? IsNoise { get; init; }

    /// How long a cancelled child gets to finish its file after SIGINT before it is killed.
    public TimeSpan GracefulStopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// The whole run, after which it is stopped and TimeoutException thrown; null = none.
    public TimeSpan? Timeout { get; init; }

    public int StderrTailLines { get; init; } = 30;

    public bool ThrowOnNonZeroExit { get; init; } = true;

    /// Steps of Linux niceness below its creator's for the child and its threads, set as soon as it starts; 0 leaves it.
    public int Niceness { get; init; }
}
