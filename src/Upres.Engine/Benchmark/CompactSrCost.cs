using Upres.Engine.Inference.Compact;

namespace Upres.Engine.Benchmark;

public static class CompactSrCost
{
    /// Counted as the ncnn graph states it, independent of how an engine schedules it: each
    /// conv output element costs 9*ic MACs plus 1 bias add, PReLU 1 multiply per element, the
    /// residual 1 add per x4 output value, and ncnn's separable bicubic 4 MACs horizontally per
    /// (output column, x4 row) and 4 vertically per output value.
    public static ModelCost For(CompactSrWeights weights, int width, int height)
    {
        long pixels = (long)width * height;
        long macs = 0;
        long elementwise = 0;
        foreach (var l in weights.Features.Append(weights.Last))
        {
            macs += pixels * l.OutChannels * l.InChannels * 9;
            elementwise += pixels * l.OutChannels * (l.PreluSlopes is null ? 1 : 2);
        }

        long up = weights.Upscale;
        long bigW = width * up, bigH = height * up;
        elementwise += 3 * bigW * bigH;
        if (weights.TailScale != 1f)
        {
            long outW = weights.OutputWidth(width), outH = weights.OutputHeight(height);
            elementwise += (3 * outW * bigH * 8) + (3 * outW * outH * 8);
        }

        return new ModelCost(macs, elementwise);
    }

    /// The multiply-adds an algorithm executes on the image's pixels (the 3-channel head stays
    /// direct): per output pixel and channel pair of a 64-channel layer, 9 direct, 6 for F(2,3)
    /// along x, 4 for F(2x2,3x3), 2.25 for F(4x4,3x3), 16/9 for F(6x6,3x3). The engine also computes the columns up to
    /// its row rounding and a few rows past a band's ends; CompactSrRunner.ExecutedMacs counts those.
    public static long ExecutedMacs(CompactSrWeights weights, ConvolutionAlgorithm algorithm, int width, int height)
    {
        long pixels = (long)width * height;
        var (products, outputs) = algorithm switch
        {
            ConvolutionAlgorithm.Winograd6x6 => (64L, 36L),
            ConvolutionAlgorithm.Winograd4x4 => (36L, 16L),
            ConvolutionAlgorithm.Winograd2x2 => (16L, 4L),
            ConvolutionAlgorithm.WinogradRow => (6L, 1L),
            _ => (9L, 1L),
        };
        return weights.Features.Append(weights.Last).Sum(l =>
            l.InChannels == WinogradRowKernel.Channels
                ? pixels * l.OutChannels * l.InChannels * products / outputs
                : pixels * l.OutChannels * l.InChannels * 9);
    }
}
