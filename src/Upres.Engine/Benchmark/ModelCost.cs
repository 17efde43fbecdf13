namespace Upres.Engine.Benchmark;

/// The arithmetic one frame of a model takes, from its real layer shapes.
/// Flops = 2 x convolution MACs + elementwise work (bias, PReLU, residual add, resize taps).
public sealed record ModelCost(long ConvMacs, long ElementwiseFlops)
{
    public double Flops => (2.0 * ConvMacs) + ElementwiseFlops;
}
