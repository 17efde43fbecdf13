namespace Upres.Engine.Pipeline;

/// The stable codes carried by UpscaleException. Callers (API, CLI) match on these; never rename one.
public static class UpscaleErrorCodes
{
    public const string InputNotFound = "input_not_found";
    public const string UnreadableInput = "unreadable_input";
    public const string ProbeFailed = "probe_failed";
    public const string ProbeTimeout = "probe_timeout";
    public const string NoVideoStream = "no_video_stream";
    public const string NoFrames = "no_frames";
    public const string InvalidRequest = "invalid_request";
    public const string UnsupportedContainer = "unsupported_container";
    public const string UnsupportedContainerCodec = "unsupported_container_codec";
    public const string DecodeFailed = "decode_failed";
    public const string UpscalerFailed = "upscaler_failed";
    public const string EncodeFailed = "encode_failed";
    public const string MuxFailed = "mux_failed";
    public const string ToolMissing = "tool_missing";

    /// A segment of a split video did not decode to the frames the timeline promised (so it is never joined).
    public const string SegmentMismatch = "segment_mismatch";
}
