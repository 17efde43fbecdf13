namespace Upres.Engine.Inference.Compact;

/// How the engine computes the 64-channel 3x3 convolutions. Both give the same result (to float
/// rounding); Winograd does a third fewer multiply-adds, Direct is the plain one, kept for the
/// benchmark's honest share-of-peak figure and as the reference in tests.
public enum ConvolutionAlgorithm
{
    Winograd,
    Direct,
}
