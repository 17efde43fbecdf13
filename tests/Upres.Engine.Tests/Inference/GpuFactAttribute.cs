using Upres.Engine.Inference;
using Upres.Engine.Inference.Gpu;

namespace Upres.Engine.Tests.Inference;

/// A fact that runs only where the provider really runs a model (ProviderProbe), and is skipped
/// with the provider's own reason elsewhere: CI and this project's machines have no GPU, and
/// WebGPU on Mesa's lavapipe answers "No supported adapters".
public sealed class GpuFactAttribute : FactAttribute
{
    public GpuFactAttribute(ExecutionProvider provider)
    {
        var probe = ProviderProbe.Run(provider);
        if (!probe.Runs)
        {
            Skip = $"no GPU for {provider} here: {probe.Detail}";
        }
    }
}
