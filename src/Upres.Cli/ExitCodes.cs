using Upres.Engine.Pipeline;

namespace Upres.Cli;

/// Exit codes scripts can rely on; documented in the README.
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int InputRefused = 3;
    public const int MissingDependency = 4;
    public const int Cancelled = 130;

    public static int For(UpscaleErrorKind kind) => kind switch
    {
        UpscaleErrorKind.BadOptions => Usage,
        UpscaleErrorKind.InputRefused => InputRefused,
        UpscaleErrorKind.MissingDependency => MissingDependency,
        _ => Failed,
    };
}
