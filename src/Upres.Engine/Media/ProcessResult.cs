namespace Upres.Engine.Media;

public sealed record ProcessResult(int ExitCode, string StandardOutput, IReadOnlyList<string> StderrTail, TimeSpan Elapsed);
