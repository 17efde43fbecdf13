namespace Upres.Engine.Inference.Compact;

/// One Winograd F(m x m, 3x3) tile shape for WinogradTileKernel: the 1-D transforms it applies
/// along x and then along y (B^T d B, A^T M A) and its weight transform G. Implemented by
/// structs so that the kernel is compiled once per shape with the transforms inlined.
internal unsafe interface IWinogradTile
{
    /// Output pixels per tile side (m).
    static abstract int Out { get; }

    /// Input pixels per tile side (m + 2).
    static abstract int In { get; }

    /// G, In x 3.
    static abstract double[,] WeightTransform { get; }

    /// B^T applied to In vectors of 8 floats at src + k*srcStride, written to dst + k*dstStride.
    static abstract void Input(float* src, nint srcStride, float* dst, nint dstStride);

    /// A^T applied to In vectors of 8 floats at src + k*srcStride, Out vectors written to dst + k*dstStride.
    static abstract void Output(float* src, nint srcStride, float* dst, nint dstStride);
}
