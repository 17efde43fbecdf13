using Upres.Engine.Imaging;
using Upres.Engine.Inference.Compact;

namespace Upres.Engine.Tests.Compact;

internal static class CompactSrTestData
{
    /// Random weights scaled like a trained network's (unit-ish activations through the depth).
    public static CompactSrWeights RandomWeights(int seed, int bodyConvs, float tailScale, int features = 64)
    {
        var rng = new Random(seed);
        var layers = new List<CompactConvLayer> { Layer(rng, 3, features, prelu: true) };
        for (var i = 0; i < bodyConvs; i++)
        {
            layers.Add(Layer(rng, features, features, prelu: true));
        }

        return new CompactSrWeights("random", layers, Layer(rng, features, 48, prelu: false), 4, tailScale);
    }

    public static PlanarImage RandomImage(int seed, int width, int height)
    {
        var rng = new Random(seed);
        var image = new PlanarImage(width, height);
        for (var i = 0; i < image.Data.Length; i++)
        {
            image.Data[i] = (float)rng.NextDouble();
        }

        return image;
    }

    public static double MaxAbsDiff(PlanarImage a, PlanarImage b) =>
        a.Data.Zip(b.Data, (x, y) => Math.Abs((double)x - y)).Max();

    private static CompactConvLayer Layer(Random rng, int ic, int oc, bool prelu)
    {
        var scale = (float)Math.Sqrt(6.0 / (9 * ic));
        var w = new float[oc * ic * 9];
        for (var i = 0; i < w.Length; i++)
        {
            w[i] = ((float)rng.NextDouble() * 2 - 1) * scale;
        }

        var bias = Enumerable.Range(0, oc).Select(_ => ((float)rng.NextDouble() - 0.5f) * 0.1f).ToArray();
        var slopes = prelu ? Enumerable.Range(0, oc).Select(_ => (float)rng.NextDouble() * 0.3f).ToArray() : null;
        return new CompactConvLayer(ic, oc, w, bias, slopes);
    }
}
