namespace Upres.Engine.Pipeline;

/// The stable codes carried by UpscaleException, each with its kind in one table. Callers (API, CLI)
/// match on these; never rename one. A code thrown anywhere in the engine or the CLI is listed here.
public static class UpscaleErrorCodes
{
    public const string InputNotFound = "input_not_found";
    public const string UnreadableInput = "unreadable_input";
    public const string ProbeFailed = "probe_failed";
    public const string ProbeTimeout = "probe_timeout";
    public const string NoVideoStream = "no_video_stream";

    /// The input's first probe found a format outside the accepted demuxers (a playlist, a script, an image sequence).
    public const string UnsupportedInputFormat = "unsupported_input_format";
    public const string NoFrames = "no_frames";
    public const string InvalidRequest = "invalid_request";
    public const string InvalidSize = "invalid_size";
    public const string UnknownModel = "unknown_model";
    public const string UnknownAlgorithm = "unknown_algorithm";

    /// `upres quality --set` names a benchmark it does not know.
    public const string UnknownSet = "unknown_set";
    public const string InvalidHoldThreshold = "invalid_hold_threshold";
    public const string UnsupportedContainer = "unsupported_container";
    public const string UnsupportedContainerCodec = "unsupported_container_codec";
    public const string ProviderUnavailable = "provider_unavailable";
    public const string GpuOutOfMemory = "gpu_out_of_memory";
    public const string DecodeFailed = "decode_failed";
    public const string UpscalerFailed = "upscaler_failed";
    public const string EncodeFailed = "encode_failed";
    public const string MuxFailed = "mux_failed";
    public const string ToolMissing = "tool_missing";
    public const string ModelFilesMissing = "model_files_missing";
    public const string ModelFilesCorrupt = "model_files_corrupt";
    public const string OnnxRuntimeMissing = "onnxruntime_missing";
    public const string OnnxRuntimeUnloadable = "onnxruntime_unloadable";
    public const string OnnxRuntimeTooOld = "onnxruntime_too_old";

    /// The input holds materially more frames than its header declared (and than the job was priced for).
    public const string FramesExceedDeclared = "frames_exceed_declared";

    /// A segment of a split video did not decode to the frames the timeline promised (so it is never joined).
    public const string SegmentMismatch = "segment_mismatch";

    /// The run's own plan differs from the plan the caller stored and priced (UpscaleRequest.Plan):
    /// it is refused rather than making (and charging for) something other than what was priced.
    public const string PlanMismatch = "plan_mismatch";

    /// Interpolation was asked of a variable-frame-rate source without the opt-in (--vfr-interpolate).
    public const string VariableFrameRate = "variable_frame_rate";

    /// The request cannot be cut into frame-range segments (interpolation works on the output's
    /// timeline, not the source's frames): run it whole.
    public const string NotSegmentable = "not_segmentable";

    /// The file system the output is written to ran out of space (ffmpeg's "No space left on device").
    public const string StorageFull = "storage_full";

    public static IReadOnlyDictionary<string, UpscaleErrorKind> Kinds { get; } = new Dictionary<string, UpscaleErrorKind>(StringComparer.Ordinal)
    {
        [InputNotFound] = UpscaleErrorKind.InputRefused,
        [UnreadableInput] = UpscaleErrorKind.InputRefused,
        [ProbeFailed] = UpscaleErrorKind.InputRefused,
        [ProbeTimeout] = UpscaleErrorKind.InputRefused,
        [NoVideoStream] = UpscaleErrorKind.InputRefused,
        [UnsupportedInputFormat] = UpscaleErrorKind.InputRefused,
        [NoFrames] = UpscaleErrorKind.InputRefused,
        [FramesExceedDeclared] = UpscaleErrorKind.InputRefused,
        [InvalidRequest] = UpscaleErrorKind.BadOptions,
        [VariableFrameRate] = UpscaleErrorKind.BadOptions,
        [NotSegmentable] = UpscaleErrorKind.BadOptions,
        [InvalidSize] = UpscaleErrorKind.BadOptions,
        [UnknownModel] = UpscaleErrorKind.BadOptions,
        [UnknownAlgorithm] = UpscaleErrorKind.BadOptions,
        [UnknownSet] = UpscaleErrorKind.BadOptions,
        [InvalidHoldThreshold] = UpscaleErrorKind.BadOptions,
        [UnsupportedContainer] = UpscaleErrorKind.BadOptions,
        [UnsupportedContainerCodec] = UpscaleErrorKind.BadOptions,
        [ProviderUnavailable] = UpscaleErrorKind.MissingDependency,
        [GpuOutOfMemory] = UpscaleErrorKind.Failed,
        [DecodeFailed] = UpscaleErrorKind.Failed,
        [UpscalerFailed] = UpscaleErrorKind.Failed,
        [EncodeFailed] = UpscaleErrorKind.Failed,
        [MuxFailed] = UpscaleErrorKind.Failed,
        [StorageFull] = UpscaleErrorKind.Failed,
        [SegmentMismatch] = UpscaleErrorKind.Failed,
        [PlanMismatch] = UpscaleErrorKind.Failed,
        [ToolMissing] = UpscaleErrorKind.MissingDependency,
        [ModelFilesMissing] = UpscaleErrorKind.MissingDependency,
        [ModelFilesCorrupt] = UpscaleErrorKind.MissingDependency,
        [OnnxRuntimeMissing] = UpscaleErrorKind.MissingDependency,
        [OnnxRuntimeUnloadable] = UpscaleErrorKind.MissingDependency,
        [OnnxRuntimeTooOld] = UpscaleErrorKind.MissingDependency,
    };

    /// A code missing from the table reads as a plain failure, never as something the caller did wrong.
    public static UpscaleErrorKind KindOf(string code) => Kinds.GetValueOrDefault(code, UpscaleErrorKind.Failed);
}
