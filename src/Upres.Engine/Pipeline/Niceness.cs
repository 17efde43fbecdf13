using System.Globalization;
using System.Runtime.InteropServices;

namespace Upres.Engine.Pipeline;

/// Linux niceness for the engine's compute, so that where a server's API shares the cores with a
/// running job, its request threads (at niceness 0) are scheduled first. Niceness is per thread on
/// Linux and a new thread or child process starts with its creator's: the engine raises it on each
/// frame's own thread (the band threads it starts inherit it) and on its ffmpeg children, never on
/// a pool thread, so nothing else is slowed. Raising it needs no privilege. No-op off Linux.
public static partial class Niceness
{
    private const int PrioProcess = 0;

    /// The calling thread runs `steps` of niceness below this process's main thread (at most 19; 0:
    /// left as it is). Counted from the main thread, not from the caller, which may itself be a frame
    /// thread (an await's continuation runs on the thread that finished the frame before).
    public static void LowerCurrentThread(int steps)
    {
        if (steps > 0 && OperatingSystem.IsLinux())
        {
            _ = SetPriority(PrioProcess, GetTid(), Target(steps));
        }
    }

    /// Every thread of a child that has just started, `steps` below this process's main thread; the
    /// threads it starts later inherit its main thread's.
    public static void LowerProcess(int pid, int steps)
    {
        if (steps <= 0 || !OperatingSystem.IsLinux())
        {
            return;
        }

        var niceness = Target(steps);
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                if (int.TryParse(Path.GetFileName(task), NumberStyles.None, CultureInfo.InvariantCulture, out var tid))
                {
                    _ = SetPriority(PrioProcess, tid, niceness);
                }
            }
        }
        catch (IOException)
        {
            // It has already exited.
        }
    }

    /// A thread's niceness as the kernel reports it (field 19 of /proc/PID/task/TID/stat).
    public static int OfThread(int pid, int tid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/task/{tid}/stat");
        // The command name (field 2) may hold spaces and parentheses: count from its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], CultureInfo.InvariantCulture);
    }

    private static int Target(int steps) => Math.Min(19, OfThread(Environment.ProcessId, Environment.ProcessId) + steps);

    /// The calling thread's kernel id (Linux only).
    public static int CurrentThreadId => GetTid();

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();
}
