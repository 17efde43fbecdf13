using Upres.Engine.Models.Ncnn;

namespace Upres.Engine.Inference.Compact;

/// Maps a parsed SRVGGNetCompact ncnn graph (NcnnNetwork + its .bin through NcnnWeightReader)
/// onto CompactSrWeights. Narrow on purpose: a Convolution/PReLU chain, PixelShuffle, the
/// nearest Interp residual and an optional bicubic Interp tail; anything else is rejected, so a
/// model this engine cannot reproduce exactly never runs on it.
public static class CompactSrNcnnLoader
{
    public static CompactSrWeights Load(string paramPath, string binPath) =>
        FromNcnn(Path.GetFileNameWithoutExtension(paramPath), NcnnNetwork.Load(paramPath), File.ReadAllBytes(binPath));

    public static CompactSrWeights FromNcnn(string name, NcnnNetwork network, ReadOnlyMemory<byte> weights)
    {
        var bin = new NcnnWeightReader(weights);
        var convs = new List<CompactConvLayer>();
        var upscale = 0;
        var tail = 1f;
        var inChannels = 3;
        foreach (var layer in network.Layers)
        {
            var p = layer.Params;
            switch (layer.Type)
            {
                case "Input" or "Split" or "BinaryOp":
                    break;
                case "Convolution":
                    {
                        var oc = p.GetInt(0, 0);
                        var kernel = p.GetInt(1, 0);
                        if (p.GetInt(11, kernel) != 3 || kernel != 3 || p.GetInt(2, 1) != 1 || p.GetInt(3, 1) != 1
                            || p.GetInt(4, 0) != 1 || p.GetInt(14, 1) != 1 || p.GetInt(5, 0) != 1 || p.GetInt(9, 0) != 0)
                        {
                            throw new NcnnFormatException($"{name}/{layer.Name}: only 3x3 stride-1 pad-1 biased convolutions without fused activation are supported");
                        }

                        var count = p.GetInt(6, 0);
                        if (count != oc * inChannels * 9)
                        {
                            throw new NcnnFormatException($"{name}/{layer.Name}: {count} weights do not match {oc}x{inChannels}x3x3");
                        }

                        convs.Add(new CompactConvLayer(inChannels, oc, bin.ReadTagged(count), bin.ReadRaw(oc), null));
                        inChannels = oc;
                        break;
                    }

                case "PReLU":
                    {
                        var n = p.GetInt(0, 0);
                        var slopes = bin.ReadRaw(n);
                        var last = convs.Count > 0 ? convs[^1] : null;
                        if (last is null || last.PreluSlopes is not null || (n != 1 && n != last.OutChannels))
                        {
                            throw new NcnnFormatException($"{name}/{layer.Name}: PReLU does not follow a convolution");
                        }

                        convs[^1] = last with { PreluSlopes = n == 1 ? Enumerable.Repeat(slopes[0], last.OutChannels).ToArray() : slopes };
                        break;
                    }

                case "PixelShuffle":
                    upscale = p.GetInt(0, 1);
                    break;
                case "Interp":
                    {
                        var kind = p.GetInt(0, 0);
                        var scale = p.GetFloat(1, 1f);
                        if (p.GetInt(3, 0) != 0 || p.GetInt(4, 0) != 0 || p.GetInt(6, 0) != 0 || p.GetFloat(2, 1f) != scale)
                        {
                            throw new NcnnFormatException($"{name}/{layer.Name}: only uniform scale-factor Interp is supported");
                        }

                        if (kind == 3 && scale < 1f)
                        {
                            tail = scale;
                        }
                        else if (kind != 1 || scale != upscale)
                        {
                            throw new NcnnFormatException($"{name}/{layer.Name}: unexpected Interp type {kind} x{scale}");
                        }

                        break;
                    }

                default:
                    throw new NcnnFormatException($"{name}/{layer.Name}: layer type {layer.Type} is not part of the compact network");
            }
        }

        if (bin.Remaining != 0)
        {
            throw new NcnnFormatException($"{name}: the .bin file has {bin.Remaining} bytes the graph does not use");
        }

        if (convs.Count < 2 || upscale == 0)
        {
            throw new NcnnFormatException($"{name}: not an SRVGGNetCompact graph");
        }

        var result = new CompactSrWeights(name, convs.Take(convs.Count - 1).ToList(), convs[^1], upscale, tail);
        result.Validate();
        return result;
    }
}
