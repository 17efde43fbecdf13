namespace Upres.Engine.Inference.Gpu;

/// How GpuFrameUpscaler runs a model on a GPU provider.
public sealed record GpuUpscalerOptions
{
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.WebGpu;

    public int DeviceId { get; init; }

    /// Frames upscaled at once (each with its own bound buffers): while one is copied in or out,
    /// another computes.
    public int FramesInFlight { get; init; } = 3;

    /// Tile edge in input pixels; 0 chooses it from the GPU's free memory (whole frames when they fit).
    public int TileSize { get; init; }

    /// Smallest tile tried after running out of memory before giving up.
    public int MinimumTileSize { get; init; } = 64;

    /// Context around each tile, thrown away after inference (as TileOptions.Overlap).
    public int Overlap { get; init; } = 16;

    /// GPU memory one input pixel may need while the model runs (activations, workspace, in and
    /// out buffers), for the tile size; the compact models need far less than the large ones.
    public long BytesPerInputPixel { get; init; } = 8192;

    /// Memory to plan for where the free memory cannot be read (no NVIDIA management library);
    /// UPRES_GPU_MEMORY_MB overrides both.
    public long FallbackMemoryBytes { get; init; } = 2L << 30;

    /// Passed to the provider as they are (see InferenceOptions.ProviderOptions).
    public IReadOnlyDictionary<string, string> ProviderOptions { get; init; } = new Dictionary<string, string>();
}
