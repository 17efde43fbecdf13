namespace Upres.Engine.Inference.Compact;

/// The register width of the Winograd GEMM (the part that does nearly all the multiply-adds).
public enum GemmWidth
{
    /// 256-bit AVX2 + FMA: every machine the engine runs on.
    Avx2,

    /// 512-bit registers, where the CPU has AVX-512 and it measured faster (GemmWidthChoice).
    Avx512,
}
