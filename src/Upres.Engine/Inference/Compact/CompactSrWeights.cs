namespace Upres.Engine.Inference.Compact;

/// SRVGGNetCompact: Conv3x3(3->F)+PReLU, N x [Conv3x3(F->F)+PReLU], Conv3x3(F->3*r*r),
/// PixelShuffle(r) plus the nearest-upsampled input, then an optional bicubic resize of the
/// result by TailScale (ncnn Interp type 3; 1 = none), as realesr-animevideov3-x2/x3 do.
public sealed record CompactSrWeights(string Name, IReadOnlyList<CompactConvLayer> Features, CompactConvLayer Last, int Upscale, float TailScale)
{
    /// Features[0] is the 3->F head, the rest the body; all carry PReLU.
    public int ConvCount => Features.Count + 1;

    public int NumFeatures => Features[0].OutChannels;

    public void Validate()
    {
        if (Features.Count == 0)
        {
            throw new ArgumentException("a compact network has at least one feature convolution");
        }

        if (Features[0].InChannels != 3)
        {
            throw new ArgumentException("the first convolution takes the 3 RGB planes");
        }

        var f = NumFeatures;
        if (f % 16 != 0)
        {
            throw new ArgumentException($"feature count {f} must be a multiple of 16");
        }

        for (var i = 0; i < Features.Count; i++)
        {
            Features[i].Validate();
            if (Features[i].PreluSlopes is null || Features[i].OutChannels != f || (i > 0 && Features[i].InChannels != f))
            {
                throw new ArgumentException($"feature convolution {i} does not have the compact shape");
            }
        }

        Last.Validate();
        if (Last.InChannels != f || Last.OutChannels != 3 * Upscale * Upscale || Last.PreluSlopes is not null || Last.OutChannels % 16 != 0)
        {
            throw new ArgumentException("the last convolution must map features to 3*r*r channels without activation");
        }

        if (TailScale is <= 0f or > 1f)
        {
            throw new ArgumentException($"tail scale {TailScale} must be in (0, 1]");
        }
    }

    /// The overall factor from input to output, e.g. 2 for animevideov3-x2 (x4 then x0.5).
    public int OutputScale => (int)MathF.Round(Upscale * TailScale);

    public int OutputWidth(int inputWidth) => TailScale == 1f ? inputWidth * Upscale : (int)(inputWidth * Upscale * TailScale);

    public int OutputHeight(int inputHeight) => TailScale == 1f ? inputHeight * Upscale : (int)(inputHeight * Upscale * TailScale);
}
