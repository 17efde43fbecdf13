namespace Upres.Engine.Media;

/// A child process that exited with a non-zero status. Carries what a person needs to reproduce it.
public sealed class ProcessFailedException(string commandLine, int exitCode, IReadOnlyList<string> stderrTail)
    : Exception($"'{commandLine}' exited with code {exitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, stderrTail)}")
{
    /// The exit code given when the program could not be started at all (not installed, not executable).
    public const int NotStarted = -1;

    public string CommandLine { get; } = commandLine;
    public int ExitCode { get; } = exitCode;
    public IReadOnlyList<string> StderrTail { get; } = stderrTail;
}
