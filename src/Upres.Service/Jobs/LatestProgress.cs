using Upres.Engine.Pipeline;

namespace Upres.Service.Jobs;

/// Keeps the engine's latest report; the heartbeat writes it out at its own pace.
internal sealed class LatestProgress : IProgress<UpscaleProgress>
{
    private UpscaleProgress? _latest;

    public UpscaleProgress? Latest => Volatile.Read(ref _latest);

    public void Report(UpscaleProgress value) => Volatile.Write(ref _latest, value);
}
