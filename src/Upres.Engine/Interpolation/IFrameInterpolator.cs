using Upres.Engine.Imaging;

namespace Upres.Engine.Interpolation;

/// Makes the frame at time t in (0, 1) between two frames of the same size.
public interface IFrameInterpolator : IDisposable
{
    string Name { get; }

    PlanarImage Interpolate(PlanarImage first, PlanarImage second, double t, CancellationToken cancellationToken);
}
