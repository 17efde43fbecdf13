namespace Upres.Engine.Media;

/// Runs child processes (ffmpeg, ffprobe, mkvmerge) from argument lists, never a formatted command string.
public static class ProcessRunner
{
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, ProcessOptions? options = null) =>
        ChildProcess.Start(fileName, arguments, options ?? new ProcessOptions());

    public static async Task<ProcessResult> RunAsync(
        string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken, ProcessOptions? options = null)
    {
        await using var child = Start(fileName, arguments, options);
        return await child.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
