using Upres.Engine.Pipeline;

namespace Upres.Engine;

/// The engine's composition root: runtime, models and the video pipeline, built once per process.
public sealed class UpscaleEngine : IVideoUpscaler, IDisposable
{
    private UpscaleEngine(EngineOptions options) => Options = options;

    public EngineOptions Options { get; }

    public static UpscaleEngine Create(EngineOptions options) => new(options);

    public Task<UpscaleResult> UpscaleAsync(UpscaleRequest request, IProgress<UpscaleProgress>? progress, CancellationToken cancellationToken) =>
        throw new UpscaleException("engine_unavailable", "the video pipeline is not wired in yet");

    public void Dispose()
    {
    }
}
