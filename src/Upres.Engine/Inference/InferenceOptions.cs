namespace Upres.Engine.Inference;

public enum ExecutionProvider { Cpu, WebGpu, Cuda }

/// ORT's GraphOptimizationLevel, same numbers.
public enum GraphOptimization { Disabled = 0, Basic = 1, Extended = 2, All = 99 }

/// How one OnnxSession runs. Defaults suit the CPU path of this project.
public sealed record InferenceOptions
{
    public static InferenceOptions Default { get; } = new();

    /// 0 lets ORT choose (one thread per physical core).
    public int IntraOpThreads { get; init; }

    /// 0 lets ORT choose; only matters for graphs with parallel branches.
    public int InterOpThreads { get; init; }

    public ExecutionProvider ExecutionProvider { get; init; } = ExecutionProvider.Cpu;

    /// GPU index for CUDA.
    public int DeviceId { get; init; }

    /// The provider's own options, passed as they are (CUDA: "gpu_mem_limit",
    /// "cudnn_conv_algo_search", ...; WebGPU: "preferredLayout", "enableGraphCapture", ...).
    public IReadOnlyDictionary<string, string> ProviderOptions { get; init; } = new Dictionary<string, string>();

    public GraphOptimization GraphOptimization { get; init; } = GraphOptimization.All;

    /// Raw AddSessionConfigEntry pairs, e.g. "session.intra_op.allow_spinning" = "0".
    public IReadOnlyDictionary<string, string> ConfigEntries { get; init; } = new Dictionary<string, string>();

    /// When set, ORT writes a per-node timing trace (Chrome trace JSON) named from this prefix;
    /// OnnxSession.EndProfiling returns the file.
    public string? ProfileFilePrefix { get; init; }

    /// Steps of Linux niceness below the main thread's for the session's own threads (ORT's
    /// intra-op pool); 0 leaves them (see Pipeline.Niceness).
    public int Niceness { get; init; }

    /// Symbolic dims pinned to a size (AddFreeDimensionOverrideByName), e.g. a fixed tile edge, so
    /// ORT can plan memory once instead of per run.
    public IReadOnlyDictionary<string, long> FixedDimensions { get; init; } = new Dictionary<string, long>();
}
