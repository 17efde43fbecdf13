using Upres.Engine.Pipeline;

namespace Upres.Cli;

/// Every error the command line reports: one line `error [code]: message` on stderr, and the exit
/// code the README gives for the code's kind in the engine's one table (UpscaleErrorCodes.Kinds).
internal static class CliErrors
{
    public static int ExitCodeFor(string code) => ExitCodes.For(UpscaleErrorCodes.KindOf(code));

    public static int Report(string code, string message)
    {
        Console.Error.WriteLine($"error [{code}]: {message}");
        return ExitCodeFor(code);
    }

    public static int Report(UpscaleException e) => Report(e.Code, e.Message);
}
