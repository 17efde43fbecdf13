namespace Upres.Engine.Inference.Compact;

/// How the engine computes the 64-channel 3x3 convolutions. All give the same result (to float
/// rounding) and differ in the multiply-adds they execute per output: Direct 9 (the plain one,
/// kept for the benchmark's honest share-of-peak figure and as the reference in tests),
/// WinogradRow F(2,3) along x 6, Winograd2x2 F(2x2,3x3) 4, Winograd4x4 F(4x4,3x3) 2.25,
/// Winograd6x6 F(6x6,3x3) 1.78.
public enum ConvolutionAlgorithm
{
    Winograd4x4,
    Winograd6x6,
    Winograd2x2,
    WinogradRow,
    Direct,
}
