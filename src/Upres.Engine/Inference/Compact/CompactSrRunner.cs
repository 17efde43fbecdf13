using System.Runtime.InteropServices;
using Upres.Engine.Imaging;

namespace Upres.Engine.Inference.Compact;

/// Runs the network over one horizontal band of a frame on the calling thread, a group of rows
/// at a time. Every layer keeps only a ring of group + 2 rows (channels-last, zero-padded
/// columns): a group is 1 row for the row kernels, 2 or 4 for the 2-D Winograd tiles. Layer j
/// computes the group of rows [r, r + g) as soon as layer j-1 has row r + g, so layer j trails
/// layer j-1 by one row and needs exactly the g + 2 rows that layer j-1 wrote last; the working
/// set is a few rows per layer instead of whole-frame tensors streamed through memory. The last
/// convolution's rows go straight through pixel shuffle + residual into the output planes, or
/// for a bicubic tail into a ring of horizontally resized rows that is resized vertically as
/// soon as the rows an output row needs exist.
internal sealed unsafe class CompactSrRunner : IDisposable
{
    private const int TailRingRows = 16;

    private readonly PackedCompactModel model;
    private readonly int width;
    private readonly int rowPixels;
    private readonly int tilePixels;
    private readonly int features;
    private readonly int group;
    private readonly int ring;
    private readonly nint featureRowFloats;
    private readonly float* memory;
    private readonly float* zeroRow;
    private readonly float* inputRing;
    private readonly float* featureRings;
    private readonly float* lastRows;
    private readonly float* x4Row;
    private readonly float* tailRing;
    private readonly float* scratch;
    private readonly CubicResizeAxis? horizontal;
    private bool disposed;

    public CompactSrRunner(PackedCompactModel model, int width)
    {
        this.model = model;
        this.width = width;
        group = model.RowsPerGroup;
        ring = group + 2;

        // A multiple of every kernel's chunk; the extra columns are computed and then zeroed.
        tilePixels = (width + PackedCompactModel.PixelMultiple - 1) / PackedCompactModel.PixelMultiple * PackedCompactModel.PixelMultiple;
        rowPixels = tilePixels + 2;
        features = model.Weights.NumFeatures;
        featureRowFloats = (nint)rowPixels * features;
        var w = model.Weights;
        var up = w.Upscale;
        var outWidth = w.OutputWidth(width);
        if (w.TailScale != 1f)
        {
            horizontal = new CubicResizeAxis(width * up, outWidth);
        }

        var sizes = new long[]
        {
            featureRowFloats, // zero row, wide enough for any layer
            (long)ring * rowPixels * 3, // input ring
            (long)w.Features.Count * ring * featureRowFloats, // feature rings
            (long)group * tilePixels * w.Last.OutChannels,
            3L * width * up,
            horizontal is null ? 0 : TailRingRows * 3L * outWidth,
            PackedCompactModel.ScratchFloats,
        };

        // Every buffer starts on a 64-byte line.
        for (var i = 0; i < sizes.Length; i++)
        {
            sizes[i] = PackedCompactModel.Aligned(sizes[i]);
        }

        var total = sizes.Sum();
        memory = (float*)NativeMemory.AlignedAlloc((nuint)(total * sizeof(float)), 64);
        NativeMemory.Clear(memory, (nuint)(total * sizeof(float)));
        var p = memory;
        zeroRow = p;
        p += sizes[0];
        inputRing = p;
        p += sizes[1];
        featureRings = p;
        p += sizes[2];
        lastRows = p;
        p += sizes[3];
        x4Row = p;
        p += sizes[4];
        tailRing = p;
        p += sizes[5];
        scratch = p;
    }

    public int Width => width;

    /// Multiply-adds the convolution kernels executed since the runner was made (padding columns
    /// and the rows a group computes beyond the band included).
    public long ExecutedMacs { get; private set; }

    /// Computes the output rows that belong to input rows [y0, y1), reading input rows
    /// [y0 - halo, y1 + halo) clipped to the frame; rows beyond that are treated as zero, which
    /// only disturbs rows within `halo` of the cut, so halo >= ConvCount + 1 keeps the band exact.
    public void Run(PlanarImage input, PlanarImage output, int y0, int y1, int halo, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (input.Width != width)
        {
            throw new ArgumentException($"runner built for width {width}, got {input.Width}");
        }

        var h = input.Height;
        var a = Math.Max(0, y0 - halo);
        var b = Math.Min(h, y1 + halo);
        var layers = model.Layers;
        var nf = layers.Length - 1;
        var tail = new TailState(this, input, output, y0, y1);
        var inRows = stackalloc float*[ring];
        var outRows = stackalloc float*[group];
        var filled = a - 1;

        // Step s: layer j computes rows [o + g*s - j, o + g*s - j + g). The origin o is a multiple
        // of g, so a band's tiles sit where the whole frame's do and round the same way.
        var origin = a / group * group;
        for (var s = 0; origin + (group * s) - nf < b; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var top = origin + (group * s);
            for (; filled < Math.Min(b - 1, top + group); filled++)
            {
                FillInputRow(input, filled + 1);
            }

            for (var j = 0; j < nf; j++)
            {
                var r0 = top - j;
                if (r0 + group <= a || r0 >= b)
                {
                    continue;
                }

                var l = layers[j];
                if (j == 0)
                {
                    for (var r = Math.Max(r0, a); r < Math.Min(r0 + group, b); r++)
                    {
                        ConvRowKernel.Run<Channels3>(
                            InputRow(r - 1, a, b), InputRow(r, a, b), InputRow(r + 1, a, b),
                            l.Weights, l.Bias, l.Slopes, FeatureRow(0, r) + features, features, features, tilePixels);
                        ExecutedMacs += (long)tilePixels * 9 * l.InChannels * l.OutChannels;
                    }
                }
                else
                {
                    for (var k = 0; k < group; k++)
                    {
                        outRows[k] = FeatureRow(j, r0 + k) + features;
                    }

                    Conv64(l, j - 1, r0, a, b, inRows, outRows, features);
                }

                // Columns right of the image must read as zero padding for the next layer.
                for (var r = Math.Max(r0, a); r < Math.Min(r0 + group, b); r++)
                {
                    new Span<float>(FeatureRow(j, r) + features + ((nint)width * features), (tilePixels - width + 1) * features).Clear();
                }
            }

            var rl = top - nf;
            if (rl + group > a && rl < b)
            {
                var l = layers[nf];
                for (var k = 0; k < group; k++)
                {
                    outRows[k] = lastRows + ((nint)k * tilePixels * l.OutChannels);
                }

                Conv64(l, nf - 1, rl, a, b, inRows, outRows, l.OutChannels);
                for (var r = Math.Max(rl, a); r < Math.Min(rl + group, b); r++)
                {
                    tail.Consume(r, r - rl);
                }
            }
        }
    }

    // Rows [r0, r0 + group) of a 64-channel layer from rows [r0 - 1, r0 + group] of layer `from`.
    private void Conv64(in PackedCompactModel.PackedLayer l, int from, int r0, int a, int b, float** inRows, float** outRows, int outStride)
    {
        for (var k = 0; k < ring; k++)
        {
            inRows[k] = FeatureRowOrZero(from, r0 - 1 + k, a, b);
        }

        switch (model.Algorithm)
        {
            case ConvolutionAlgorithm.Winograd4x4:
                WinogradTileKernel<WinogradF4x4>.Run(inRows, l.TransformedWeights, l.Bias, l.Slopes, outRows, outStride, l.OutChannels, tilePixels, scratch, model.GemmWidth);
                ExecutedMacs += WinogradTileKernel<WinogradF4x4>.Macs(tilePixels, l.OutChannels);
                return;
            case ConvolutionAlgorithm.Winograd2x2:
                WinogradTileKernel<WinogradF2x2>.Run(inRows, l.TransformedWeights, l.Bias, l.Slopes, outRows, outStride, l.OutChannels, tilePixels, scratch, model.GemmWidth);
                ExecutedMacs += WinogradTileKernel<WinogradF2x2>.Macs(tilePixels, l.OutChannels);
                return;
        }

        // Row kernels (a group of one row): rows outside the band are never read, so skip them.
        if (r0 < a || r0 >= b)
        {
            return;
        }

        if (model.Algorithm == ConvolutionAlgorithm.WinogradRow)
        {
            WinogradRowKernel.Run(inRows[0], inRows[1], inRows[2], l.TransformedWeights, l.Bias, l.Slopes, outRows[0], outStride, l.OutChannels, tilePixels, scratch);
            ExecutedMacs += (long)tilePixels * 6 * l.InChannels * l.OutChannels;
        }
        else
        {
            ConvRowKernel.Run<Channels64>(inRows[0], inRows[1], inRows[2], l.Weights, l.Bias, l.Slopes, outRows[0], outStride, l.OutChannels, tilePixels);
            ExecutedMacs += (long)tilePixels * 9 * l.InChannels * l.OutChannels;
        }
    }

    private static int Slot(int r, int n) => ((r % n) + n) % n;

    private float* InputRow(int r, int a, int b) => r < a || r >= b ? zeroRow : inputRing + ((nint)Slot(r, ring) * rowPixels * 3);

    private float* FeatureRow(int layer, int r) => featureRings + (((nint)layer * ring) + Slot(r, ring)) * featureRowFloats;

    private float* FeatureRowOrZero(int layer, int r, int a, int b) => r < a || r >= b ? zeroRow : FeatureRow(layer, r);

    private void FillInputRow(PlanarImage input, int r)
    {
        var dst = inputRing + ((nint)Slot(r, ring) * rowPixels * 3);
        var plane = input.Width * input.Height;
        var row = r * input.Width;
        var data = input.Data;
        for (var x = 0; x < width; x++)
        {
            var d = dst + ((x + 1) * 3);
            d[0] = data[row + x];
            d[1] = data[plane + row + x];
            d[2] = data[(2 * plane) + row + x];
        }
    }

    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            NativeMemory.AlignedFree(memory);
        }
    }

    /// Pixel shuffle (DepthToSpace CRD: channel c*r*r + dy*r + dx) plus the nearest-upsampled
    /// input, then either straight into the output or through the bicubic tail.
    private sealed unsafe class TailState
    {
        private readonly CompactSrRunner runner;
        private readonly PlanarImage input;
        private readonly PlanarImage output;
        private readonly int y0;
        private readonly int y1;
        private readonly int up;
        private readonly int x4Width;
        private readonly CubicResizeAxis? vertical;
        private readonly int outY1;
        private int nextOutRow;
        private float* conv;

        public TailState(CompactSrRunner runner, PlanarImage input, PlanarImage output, int y0, int y1)
        {
            this.runner = runner;
            this.input = input;
            this.output = output;
            this.y0 = y0;
            this.y1 = y1;
            var w = runner.model.Weights;
            up = w.Upscale;
            x4Width = input.Width * up;
            if (runner.horizontal is not null)
            {
                vertical = new CubicResizeAxis(input.Height * up, output.Height);
                nextOutRow = (int)((long)y0 * output.Height / input.Height);
                outY1 = (int)((long)y1 * output.Height / input.Height);
            }
        }

        public void Consume(int r, int slot)
        {
            conv = runner.lastRows + ((nint)slot * runner.tilePixels * runner.model.Weights.Last.OutChannels);
            if (vertical is null)
            {
                if (r >= y0 && r < y1)
                {
                    for (var dy = 0; dy < up; dy++)
                    {
                        ShuffleRow(r, dy, output.Data, (r * up) + dy, output.Width * output.Height);
                    }
                }

                return;
            }

            var horizontal = runner.horizontal!;
            var outW = horizontal.OutSize;
            for (var dy = 0; dy < up; dy++)
            {
                var y = (r * up) + dy;
                var row = new Span<float>(runner.x4Row, 3 * x4Width);
                ShuffleRow(r, dy, row, 0, x4Width);
                var ring = runner.tailRing + ((nint)(y % TailRingRows) * 3 * outW);
                for (var c = 0; c < 3; c++)
                {
                    var src = runner.x4Row + (c * x4Width);
                    var dst = ring + (c * outW);
                    var idx = horizontal.Index;
                    var wt = horizontal.Weight;
                    for (var d = 0; d < outW; d++)
                    {
                        var k = d * 4;
                        dst[d] = (src[idx[k]] * wt[k]) + (src[idx[k + 1]] * wt[k + 1]) + (src[idx[k + 2]] * wt[k + 2]) + (src[idx[k + 3]] * wt[k + 3]);
                    }
                }
            }

            var have = (r * up) + up - 1;
            while (nextOutRow < outY1 && vertical.LastIndexNeeded(nextOutRow) <= have)
            {
                EmitRow(nextOutRow++, outW);
            }
        }

        private void EmitRow(int oy, int outW)
        {
            var k = oy * 4;
            var idx = vertical!.Index;
            var wt = vertical.Weight;
            var plane = output.Width * output.Height;
            for (var c = 0; c < 3; c++)
            {
                var r0 = runner.tailRing + ((nint)(idx[k] % TailRingRows) * 3 * outW) + (c * outW);
                var r1 = runner.tailRing + ((nint)(idx[k + 1] % TailRingRows) * 3 * outW) + (c * outW);
                var r2 = runner.tailRing + ((nint)(idx[k + 2] % TailRingRows) * 3 * outW) + (c * outW);
                var r3 = runner.tailRing + ((nint)(idx[k + 3] % TailRingRows) * 3 * outW) + (c * outW);
                float b0 = wt[k], b1 = wt[k + 1], b2 = wt[k + 2], b3 = wt[k + 3];
                var dst = output.Data.AsSpan((c * plane) + (oy * outW), outW);
                for (var x = 0; x < outW; x++)
                {
                    dst[x] = (r0[x] * b0) + (r1[x] * b1) + (r2[x] * b2) + (r3[x] * b3);
                }
            }
        }

        // Writes x4 row (r*up + dy) of all three channels to dst[offset + c*planeStride + ...].
        private void ShuffleRow(int r, int dy, Span<float> dst, int rowIndex, int planeStride)
        {
            var w = input.Width;
            var inPlane = w * input.Height;
            var oc = runner.model.Weights.Last.OutChannels;
            var rr = up * up;
            for (var c = 0; c < 3; c++)
            {
                var src = input.Data.AsSpan((c * inPlane) + (r * w), w);
                var o = dst.Slice((c * planeStride) + (rowIndex * x4Width), x4Width);
                var ch = (c * rr) + (dy * up);
                for (var x = 0; x < w; x++)
                {
                    var v = src[x];
                    var p = conv + (x * oc) + ch;
                    for (var dx = 0; dx < up; dx++)
                    {
                        o[(x * up) + dx] = p[dx] + v;
                    }
                }
            }
        }
    }
}
