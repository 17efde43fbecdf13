namespace Upres.Cli;

internal static class CliErrors
{
    public static int ExitCodeFor(string code) => code switch
    {
        "invalid_size" or "invalid_option" or "unsupported_container_codec" or "unknown_model" => ExitCodes.Usage,
        "runtime_missing" or "ffmpeg_missing" or "model_files_missing" => ExitCodes.MissingDependency,
        _ when code.StartsWith("input_", StringComparison.Ordinal) || code == "no_video_stream" => ExitCodes.InputRefused,
        _ => ExitCodes.Failed,
    };
}
