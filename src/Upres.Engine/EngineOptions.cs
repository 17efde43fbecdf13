using Upres.Engine.Media;
using Upres.Engine.Pipeline;

namespace Upres.Engine;

/// How the engine runs on this machine (not per job).
public sealed record EngineOptions
{
    /// Inference threads; null = one per core.
    public int? Threads { get; init; }

    /// "cpu", "webgpu" or "cuda".
    public string Provider { get; init; } = "cpu";

    /// Passed as they are to a GPU provider (ONNX Runtime's names, e.g. CUDA's prefer_nhwc).
    public IReadOnlyDictionary<string, string> ProviderOptions { get; init; } = new Dictionary<string, string>();

    public UpresPaths? Paths { get; init; }

    /// Run every model through ONNX Runtime, even where the built-in CPU engine could.
    public bool ForceOnnxRuntime { get; init; }

    /// Steps of Linux niceness below the caller's that a job's compute runs at (its frame threads and
    /// ffmpeg children), so that a server answering requests on the same cores schedules them first; 0 leaves it.
    public int Niceness { get; init; }

    /// Held frames (a repeat of the frame before reuses its output) for requests that do not say.
    public HeldFramePolicy HeldFrames { get; init; } = HeldFramePolicy.Default;

    /// The demuxers an input's first probe may choose when the request brings no probe
    /// of its own (UpscaleRequest.Probe): Demuxers.Local for a user's own files, Demuxers.SelfContained
    /// for a service that reads strangers' uploads.
    public string InputFormats { get; init; } = Demuxers.Local;
}
