using Upres.Engine.Imaging;
using Upres.Engine.Inference.Compact;

namespace Upres.Engine.Tests.Compact;

/// The network written the obvious way (NCHW, scalar loops, double accumulation, ncnn's
/// bicubic with its border folding), to check the fast engine against.
internal static class CompactSrReference
{
    public static PlanarImage Run(CompactSrWeights w, PlanarImage input)
    {
        int width = input.Width, height = input.Height;
        var x = input.Data;
        var c = 3;
        foreach (var layer in w.Features)
        {
            x = Conv(layer, x, c, width, height);
            c = layer.OutChannels;
        }

        var y = Conv(w.Last, x, c, width, height);
        var r = w.Upscale;
        int bw = width * r, bh = height * r;
        var big = new float[3 * bw * bh];
        for (var ch = 0; ch < 3; ch++)
        {
            for (var oy = 0; oy < bh; oy++)
            {
                for (var ox = 0; ox < bw; ox++)
                {
                    var src = (ch * r * r) + ((oy % r) * r) + (ox % r);
                    big[(ch * bw * bh) + (oy * bw) + ox] =
                        y[(src * width * height) + ((oy / r) * width) + (ox / r)] + input.Data[(ch * width * height) + ((oy / r) * width) + (ox / r)];
                }
            }
        }

        if (w.TailScale == 1f)
        {
            return new PlanarImage(bw, bh, big);
        }

        int ow = (int)(bw * w.TailScale), oh = (int)(bh * w.TailScale);
        var output = new float[3 * ow * oh];
        var (xofs, alpha) = NcnnCubicTaps(bw, ow);
        var (yofs, beta) = NcnnCubicTaps(bh, oh);
        for (var ch = 0; ch < 3; ch++)
        {
            for (var dy = 0; dy < oh; dy++)
            {
                for (var dx = 0; dx < ow; dx++)
                {
                    double sum = 0;
                    for (var i = 0; i < 4; i++)
                    {
                        double row = 0;
                        for (var j = 0; j < 4; j++)
                        {
                            row += alpha[(dx * 4) + j] * big[(ch * bw * bh) + ((yofs[dy] - 1 + i) * bw) + xofs[dx] - 1 + j];
                        }

                        sum += beta[(dy * 4) + i] * row;
                    }

                    output[(ch * ow * oh) + (dy * ow) + dx] = (float)sum;
                }
            }
        }

        return new PlanarImage(ow, oh, output);
    }

    private static float[] Conv(CompactConvLayer l, float[] x, int ic, int width, int height)
    {
        var y = new float[l.OutChannels * width * height];
        for (var o = 0; o < l.OutChannels; o++)
        {
            for (var py = 0; py < height; py++)
            {
                for (var px = 0; px < width; px++)
                {
                    double sum = l.Bias[o];
                    for (var i = 0; i < ic; i++)
                    {
                        for (var ky = 0; ky < 3; ky++)
                        {
                            var sy = py + ky - 1;
                            if (sy < 0 || sy >= height)
                            {
                                continue;
                            }

                            for (var kx = 0; kx < 3; kx++)
                            {
                                var sx = px + kx - 1;
                                if (sx >= 0 && sx < width)
                                {
                                    sum += (double)l.Weights[(((o * ic) + i) * 9) + (ky * 3) + kx] * x[(i * width * height) + (sy * width) + sx];
                                }
                            }
                        }
                    }

                    var v = (float)sum;
                    if (l.PreluSlopes is not null && v < 0)
                    {
                        v *= l.PreluSlopes[o];
                    }

                    y[(o * width * height) + (py * width) + px] = v;
                }
            }
        }

        return y;
    }

    // ncnn's resize_bicubic_image set-up, border cases folded exactly as it does them.
    private static (int[] Offsets, float[] Coeffs) NcnnCubicTaps(int inSize, int outSize)
    {
        var ofs = new int[outSize];
        var a = new float[outSize * 4];
        var scale = (double)inSize / outSize;
        for (var d = 0; d < outSize; d++)
        {
            var f = (float)(((d + 0.5) * scale) - 0.5);
            var s = (int)Math.Floor(f);
            f -= s;
            const float A = -0.75f;
            float f0 = f + 1, f1 = f, f2 = 1 - f;
            var k = d * 4;
            a[k] = (A * f0 * f0 * f0) - (5 * A * f0 * f0) + (8 * A * f0) - (4 * A);
            a[k + 1] = ((A + 2) * f1 * f1 * f1) - ((A + 3) * f1 * f1) + 1;
            a[k + 2] = ((A + 2) * f2 * f2 * f2) - ((A + 3) * f2 * f2) + 1;
            a[k + 3] = 1f - a[k] - a[k + 1] - a[k + 2];
            if (s <= -1)
            {
                s = 1;
                a[k] = a[k] + a[k + 1] + a[k + 2];
                a[k + 1] = a[k + 3];
                a[k + 2] = 0;
                a[k + 3] = 0;
            }

            if (s == 0)
            {
                s = 1;
                a[k] = a[k] + a[k + 1];
                a[k + 1] = a[k + 2];
                a[k + 2] = a[k + 3];
                a[k + 3] = 0;
            }

            if (s == inSize - 2)
            {
                s = inSize - 3;
                a[k + 3] = a[k + 2] + a[k + 3];
                a[k + 2] = a[k + 1];
                a[k + 1] = a[k];
                a[k] = 0;
            }

            if (s >= inSize - 1)
            {
                s = inSize - 3;
                a[k + 3] = 1f - a[k];
                a[k + 2] = a[k];
                a[k + 1] = 0;
                a[k] = 0;
            }

            ofs[d] = s;
        }

        return (ofs, a);
    }
}
