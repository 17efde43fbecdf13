using System.Buffers.Binary;
using System.Globalization;
using Upres.Engine.Inference;
using Upres.Engine.Models.Conversion;
using Upres.Engine.Models.Ncnn;

namespace Upres.Engine.Tests.Models;

/// Each ncnn layer as converted, run by ONNX Runtime, against the layer's arithmetic written out by
/// hand the way ncnn's own implementation does it.
public class LayerTranslationTests
{
    private const int W = 7;
    private const int H = 5;

    [Fact]
    public void PixelShuffle_is_depth_to_space_in_column_row_depth_order()
    {
        // A 1x1 convolution makes 12 distinct channels (channel k = (k+1) * input[k % 3]).
        var weights = new float[12 * 3];
        for (var k = 0; k < 12; k++)
        {
            weights[(k * 3) + (k % 3)] = k + 1;
        }

        var input = RandomImage(3, H, W, seed: 1);
        var actual = Run(
            """
            Input in 0 1 x
            Convolution c 1 1 x y 0=12 1=1 6=36
            PixelShuffle ps 1 1 y out 0=2
            """,
            Tagged(weights),
            input,
            H,
            W);

        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < 2 * H; y++)
            {
                for (var x = 0; x < 2 * W; x++)
                {
                    var k = (c * 4) + ((y % 2) * 2) + (x % 2);
                    var expected = (k + 1) * input[((k % 3) * H * W) + ((y / 2) * W) + (x / 2)];
                    Assert.Equal(expected, actual[(c * 4 * H * W) + (y * 2 * W) + x], 1e-5f);
                }
            }
        }
    }

    [Theory]
    [InlineData(2.0f)]
    [InlineData(0.5f)]
    [InlineData(0.75f)]
    public void Bicubic_interp_matches_ncnns_coefficients_and_edge_handling(float scale)
    {
        const int size = 8;
        var input = RandomImage(3, size, size, seed: 2);
        var outSize = (int)(size * scale);
        var actual = Run(
            string.Create(CultureInfo.InvariantCulture, $"""
                Input in 0 1 x
                Interp up 1 1 x out 0=3 1={scale:E6} 2={scale:E6}
                """),
            [],
            input,
            size,
            size);

        var (offsets, alphas) = NcnnCubicCoefficients(size, outSize);
        for (var c = 0; c < 3; c++)
        {
            for (var dy = 0; dy < outSize; dy++)
            {
                for (var dx = 0; dx < outSize; dx++)
                {
                    double sum = 0;
                    for (var i = 0; i < 4; i++)
                    {
                        for (var j = 0; j < 4; j++)
                        {
                            var v = input[(c * size * size) + ((offsets[dy] - 1 + i) * size) + (offsets[dx] - 1 + j)];
                            sum += alphas[dy][i] * alphas[dx][j] * v;
                        }
                    }

                    Assert.Equal((float)sum, actual[(c * outSize * outSize) + (dy * outSize) + dx], 1e-4f);
                }
            }
        }
    }

    [Fact]
    public void Nearest_interp_repeats_each_pixel()
    {
        var input = RandomImage(3, H, W, seed: 3);
        var actual = Run("Input in 0 1 x\nInterp up 1 1 x out 0=1 1=4.0 2=4.0", [], input, H, W);

        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < 4 * H; y++)
            {
                for (var x = 0; x < 4 * W; x++)
                {
                    Assert.Equal(input[(c * H * W) + ((y / 4) * W) + (x / 4)], actual[(c * 16 * H * W) + (y * 4 * W) + x]);
                }
            }
        }
    }

    [Fact]
    public void Convolution_with_fused_leaky_relu_then_prelu()
    {
        var random = new Random(4);
        var weights = Enumerable.Range(0, 3 * 3 * 9).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] bias = [0.1f, -0.2f, 0.05f];
        float[] slopes = [0.25f, 0.5f, 2f];
        var input = RandomImage(3, H, W, seed: 5);
        var actual = Run(
            """
            Input in 0 1 x
            Convolution c 1 1 x y 0=3 1=3 4=1 5=1 6=81 9=2 -23310=1,1.000000e-01
            BinaryOp shift 1 1 y z 0=1 1=1 2=3.000000e-01
            PReLU p 1 1 z out 0=3
            """,
            [.. Tagged(weights), .. Raw(bias), .. Raw(slopes)],
            input,
            H,
            W);

        for (var o = 0; o < 3; o++)
        {
            for (var y = 0; y < H; y++)
            {
                for (var x = 0; x < W; x++)
                {
                    double sum = bias[o];
                    for (var i = 0; i < 3; i++)
                    {
                        for (var ky = 0; ky < 3; ky++)
                        {
                            for (var kx = 0; kx < 3; kx++)
                            {
                                var sy = y + ky - 1;
                                var sx = x + kx - 1;
                                if (sy >= 0 && sy < H && sx >= 0 && sx < W)
                                {
                                    sum += weights[(((o * 3) + i) * 9) + (ky * 3) + kx] * input[(i * H * W) + (sy * W) + sx];
                                }
                            }
                        }
                    }

                    var leaky = sum > 0 ? sum : sum * 0.1;
                    var shifted = leaky - 0.3;
                    var expected = shifted > 0 ? shifted : shifted * slopes[o];
                    Assert.Equal((float)expected, actual[(o * H * W) + (y * W) + x], 1e-4f);
                }
            }
        }
    }

    [Fact]
    public void Squeeze_excitation_global_pool_inner_products_and_channel_broadcast()
    {
        // Real-CUGAN's SE block: x * sigmoid(fc2(relu(fc1(mean(x))))).
        float[] fc1 = [0.5f, -1f, 2f, 1f, 1f, -0.5f];
        float[] fc1Bias = [0.1f, -0.1f];
        float[] fc2 = [1f, -1f, 0.5f, 2f, -2f, 0.25f];
        float[] fc2Bias = [0f, 0.2f, -0.3f];
        var input = RandomImage(3, H, W, seed: 6);
        var actual = Run(
            """
            Input in 0 1 x
            Split s 1 2 x a b
            Pooling gap 1 1 b g 0=1 4=1
            InnerProduct f1 1 1 g h 0=2 1=1 2=6 9=1
            InnerProduct f2 1 1 h e 0=3 1=1 2=6 9=4
            BinaryOp mul 2 1 a e out 0=2
            """,
            [.. Tagged(fc1), .. Raw(fc1Bias), .. Tagged(fc2), .. Raw(fc2Bias)],
            input,
            H,
            W);

        var mean = Enumerable.Range(0, 3).Select(c => input.AsSpan(c * H * W, H * W).ToArray().Average(v => (double)v)).ToArray();
        var hidden = Enumerable.Range(0, 2).Select(o => Math.Max(0, fc1Bias[o] + Enumerable.Range(0, 3).Sum(i => fc1[(o * 3) + i] * mean[i]))).ToArray();
        var gate = Enumerable.Range(0, 3).Select(o => 1 / (1 + Math.Exp(-(fc2Bias[o] + Enumerable.Range(0, 2).Sum(i => fc2[(o * 2) + i] * hidden[i]))))).ToArray();
        for (var i = 0; i < input.Length; i++)
        {
            Assert.Equal((float)(input[i] * gate[i / (H * W)]), actual[i], 1e-5f);
        }
    }

    [Fact]
    public void Deconvolution_scatters_ncnn_out_in_kernels_and_crops_its_padding()
    {
        var random = new Random(7);
        const int k = 4;
        var weights = Enumerable.Range(0, 3 * 3 * k * k).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] bias = [0.1f, 0f, -0.1f];
        var input = RandomImage(3, H, W, seed: 8);
        var actual = Run(
            """
            Input in 0 1 x
            Deconvolution d 1 1 x out 0=3 1=4 3=2 4=3 5=1 6=144
            """,
            [.. Tagged(weights), .. Raw(bias)],
            input,
            H,
            W);

        // ncnn: full output (in-1)*stride + k, then `pad` cut from every side.
        var fullH = ((H - 1) * 2) + k;
        var fullW = ((W - 1) * 2) + k;
        var full = new double[3, fullH, fullW];
        for (var o = 0; o < 3; o++)
        {
            for (var y = 0; y < H; y++)
            {
                for (var x = 0; x < W; x++)
                {
                    for (var i = 0; i < 3; i++)
                    {
                        for (var ky = 0; ky < k; ky++)
                        {
                            for (var kx = 0; kx < k; kx++)
                            {
                                full[o, (y * 2) + ky, (x * 2) + kx] += input[(i * H * W) + (y * W) + x] * weights[(((o * 3) + i) * k * k) + (ky * k) + kx];
                            }
                        }
                    }
                }
            }
        }

        var outH = fullH - 6;
        var outW = fullW - 6;
        Assert.Equal(3 * outH * outW, actual.Length);
        for (var o = 0; o < 3; o++)
        {
            for (var y = 0; y < outH; y++)
            {
                for (var x = 0; x < outW; x++)
                {
                    Assert.Equal((float)(full[o, y + 3, x + 3] + bias[o]), actual[(o * outH * outW) + (y * outW) + x], 1e-4f);
                }
            }
        }
    }

    [Fact]
    public void Crop_with_starts_ends_axes_and_weighted_eltwise_sum()
    {
        var input = RandomImage(3, H, W, seed: 9);
        var actual = Run(
            """
            Input in 0 1 x
            Split s 1 2 x a b
            Eltwise e 2 1 a b y 0=1 -23301=2,2.000000e-01,1.000000e+00
            Crop c 1 1 y out -23309=2,1,2 -23310=2,-1,-2 -23311=2,-2,-1
            """,
            [],
            input,
            H,
            W);

        const int outH = H - 2;
        const int outW = W - 4;
        Assert.Equal(3 * outH * outW, actual.Length);
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < outH; y++)
            {
                for (var x = 0; x < outW; x++)
                {
                    Assert.Equal(1.2f * input[(c * H * W) + ((y + 1) * W) + x + 2], actual[(c * outH * outW) + (y * outW) + x], 1e-6f);
                }
            }
        }
    }

    [Fact]
    public void Concat_joins_channels_and_a_convolution_reads_them_back()
    {
        var input = RandomImage(3, H, W, seed: 10);

        // out[o] = cat[o] + cat[o + 3] = 2 * input[o]: channel order must survive the concat.
        var weights = new float[3 * 6];
        for (var o = 0; o < 3; o++)
        {
            weights[(o * 6) + o] = 1;
            weights[(o * 6) + o + 3] = 1;
        }

        var actual = Run(
            """
            Input in 0 1 x
            Split s 1 2 x a b
            Concat cat 2 1 a b y 0=0
            Convolution c 1 1 y out 0=3 1=1 6=18
            """,
            Tagged(weights),
            input,
            H,
            W);

        for (var i = 0; i < input.Length; i++)
        {
            Assert.Equal(2 * input[i], actual[i], 1e-6f);
        }
    }

    [Theory]
    [InlineData(5, 7, 3)]
    [InlineData(2, 3, 6)]
    public void Input_framing_mirrors_like_the_binaries_even_when_the_pad_is_wider_than_the_image(int height, int width, int pad)
    {
        // With a network that passes its input through and an output window starting at the
        // padded image's corner, the output shows the padding itself.
        var input = RandomImage(3, height, width, seed: 11);
        var onnx = NcnnToOnnxConverter.Convert(
            NcnnNetwork.Parse("7767517\n1 1\nInput in 0 1 x\n"),
            Array.Empty<byte>(),
            new ConversionOptions(1, new InputFraming(pad, 2, ModelConsumesPadding: true, AddsNearestUpscaledInput: false)));
        using var session = OnnxSession.Create(onnx);
        var actual = session.Run(input, [1, 3, height, width], out var shape, CancellationToken.None);

        Assert.Equal([1L, 3, height, width], shape);
        static int Mirror(int i, int n) => Math.Clamp((n - 1) - Math.Abs(Math.Abs(i) - (n - 1)), 0, n - 1);
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    var expected = input[(c * height * width) + (Mirror(y - pad, height) * width) + Mirror(x - pad, width)];
                    Assert.Equal(expected, actual[(c * height * width) + (y * width) + x]);
                }
            }
        }
    }

    [Fact]
    public void A_weight_file_longer_than_the_layers_need_is_rejected()
    {
        var network = NcnnNetwork.Parse("7767517\n1 1\nInput in 0 1 x\n");
        var error = Assert.Throws<NcnnFormatException>(() => NcnnToOnnxConverter.Convert(network, new byte[8], new ConversionOptions(1, InputFraming.None)));
        Assert.Contains("8 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_layer_type_names_the_layer()
    {
        var network = NcnnNetwork.Parse("7767517\n2 2\nInput in 0 1 x\nYoloDetectionOutput yolo 1 1 x out\n");
        var error = Assert.Throws<NotSupportedException>(() => NcnnToOnnxConverter.Convert(network, Array.Empty<byte>(), new ConversionOptions(1, InputFraming.None)));
        Assert.Contains("YoloDetectionOutput", error.Message, StringComparison.Ordinal);
    }

    /// ncnn's interp.cpp cubic_coeffs: Keys' kernel with A = -0.75, half-pixel centres, taps at
    /// the border folded onto the edge pixels (offsets here are the second tap, as in ncnn).
    private static (int[] Offsets, double[][] Alphas) NcnnCubicCoefficients(int w, int outW)
    {
        var scale = (double)w / outW;
        var offsets = new int[outW];
        var alphas = new double[outW][];
        for (var dx = 0; dx < outW; dx++)
        {
            var fx = (float)(((dx + 0.5) * scale) - 0.5);
            var sx = (int)Math.Floor(fx);
            fx -= sx;
            const float a = -0.75f;
            var c = new double[4];
            var fx0 = 1.0f + fx;
            var fx1 = fx;
            var fx2 = 1.0f - fx;
            c[0] = (((a * fx0) - (5 * a)) * fx0 + (8 * a)) * fx0 - (4 * a);
            c[1] = (((a + 2) * fx1) - (a + 3)) * fx1 * fx1 + 1;
            c[2] = (((a + 2) * fx2) - (a + 3)) * fx2 * fx2 + 1;
            c[3] = 1.0 - c[0] - c[1] - c[2];
            if (sx <= -1)
            {
                sx = 1;
                c = [1.0 - c[3], c[3], 0, 0];
            }

            if (sx == 0)
            {
                sx = 1;
                c = [c[0] + c[1], c[2], c[3], 0];
            }

            if (sx == w - 2)
            {
                sx = w - 3;
                c = [0, c[0], c[1], c[2] + c[3]];
            }

            if (sx >= w - 1)
            {
                sx = w - 3;
                c = [0, 0, c[0], 1.0 - c[0]];
            }

            offsets[dx] = sx;
            alphas[dx] = c;
        }

        return (offsets, alphas);
    }

    private static float[] Run(string layers, byte[] weights, float[] input, int height, int width)
    {
        var lines = layers.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var text = $"7767517\n{lines.Length} {lines.Length + 2}\n{string.Join('\n', lines)}\n";
        var onnx = NcnnToOnnxConverter.Convert(NcnnNetwork.Parse(text), weights, new ConversionOptions(1, InputFraming.None));
        using var session = OnnxSession.Create(onnx, new InferenceOptions { IntraOpThreads = 1 });
        return session.Run(input, [1, 3, height, width], out _, CancellationToken.None);
    }

    private static float[] RandomImage(int channels, int height, int width, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, channels * height * width).Select(_ => (float)random.NextDouble()).ToArray();
    }

    private static byte[] Tagged(float[] values) => [0, 0, 0, 0, .. Raw(values)];

    private static byte[] Raw(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }
}
