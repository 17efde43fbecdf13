namespace Upres.Engine;

/// How the engine runs on this machine (not per job).
public sealed record EngineOptions
{
    /// Inference threads; null = one per core.
    public int? Threads { get; init; }

    /// "cpu", "webgpu" or "cuda".
    public string Provider { get; init; } = "cpu";

    public UpresPaths? Paths { get; init; }
}
