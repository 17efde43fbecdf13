namespace Upres.Engine.Media;

/// A child process that exited with a non-zero status. Carries what a person needs to reproduce it.
public sealed class ProcessFailedException(string commandLine, int exitCode, IReadOnlyList<string> stderrTail)
    : Exception($"'{commandLine}' exited with code {exitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, stderrTail)}")
{
    public string CommandLine { get; } = commandLine;
    public int ExitCode { get; } = exitCode;
    public IReadOnlyList<string> StderrTail { get; } = stderrTail;
}
