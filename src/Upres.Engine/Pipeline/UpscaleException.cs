namespace Upres.Engine.Pipeline;

/// A failure with a stable machine-readable code (e.g. "no_video_stream", "unsupported_container_codec").
public class UpscaleException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
