namespace Upres.Engine.Pipeline;

/// The engine's one entry point for callers. Implemented by VideoUpscaler.
public interface IVideoUpscaler
{
    Task<UpscaleResult> UpscaleAsync(UpscaleRequest request, IProgress<UpscaleProgress>? progress, CancellationToken cancellationToken);
}
