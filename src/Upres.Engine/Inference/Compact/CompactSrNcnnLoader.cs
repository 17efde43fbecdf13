using System.Buffers.Binary;
using System.Globalization;

namespace Upres.Engine.Inference.Compact;

/// Reads an SRVGGNetCompact ncnn model (.param + .bin) into CompactSrWeights. A deliberately
/// narrow reader for this one graph shape (Convolution/PReLU chain, PixelShuffle, nearest
/// Interp residual, optional bicubic Interp tail); it rejects anything else. The general ncnn
/// reader lives in Models/Ncnn on the models branch; this one exists so the engine and its
/// benchmark do not wait for it.
public static class CompactSrNcnnLoader
{
    private const uint Fp16Tag = 0x01306B47;

    public static CompactSrWeights Load(string paramPath, string binPath)
    {
        var name = Path.GetFileNameWithoutExtension(paramPath);
        var layers = File.ReadAllLines(paramPath).Skip(2).Where(l => l.Trim().Length > 0).Select(ParseLine).ToList();
        using var bin = new BinaryReader(File.OpenRead(binPath));
        var convs = new List<CompactConvLayer>();
        var upscale = 0;
        var tail = 1f;
        var inChannels = 3;
        foreach (var (type, p) in layers)
        {
            switch (type)
            {
                case "Input" or "Split" or "BinaryOp":
                    break;
                case "Convolution":
                    {
                        var oc = Int(p, 0, 0);
                        if (Int(p, 1, 0) != 3 || Int(p, 2, 1) != 1 || Int(p, 3, 1) != 1 || Int(p, 4, 0) != 1 || Int(p, 5, 0) != 1 || Int(p, 9, 0) != 0)
                        {
                            throw new InvalidDataException($"{name}: only 3x3 stride-1 pad-1 biased convolutions are supported");
                        }

                        var count = Int(p, 6, 0);
                        if (count != oc * inChannels * 9)
                        {
                            throw new InvalidDataException($"{name}: convolution weight count {count} does not match {oc}x{inChannels}x3x3");
                        }

                        var w = ReadTaggedWeights(bin, count);
                        var bias = ReadFloats(bin, oc);
                        convs.Add(new CompactConvLayer(inChannels, oc, w, bias, null));
                        inChannels = oc;
                        break;
                    }

                case "PReLU":
                    {
                        var n = Int(p, 0, 0);
                        var slopes = ReadFloats(bin, n);
                        var last = convs[^1];
                        if (last.PreluSlopes is not null || (n != 1 && n != last.OutChannels))
                        {
                            throw new InvalidDataException($"{name}: PReLU does not follow a convolution");
                        }

                        convs[^1] = last with { PreluSlopes = n == 1 ? Enumerable.Repeat(slopes[0], last.OutChannels).ToArray() : slopes };
                        break;
                    }

                case "PixelShuffle":
                    upscale = Int(p, 0, 1);
                    break;
                case "Interp":
                    {
                        var kind = Int(p, 0, 0);
                        var scale = Float(p, 1, 1f);
                        if (kind == 3 && Float(p, 2, 1f) == scale)
                        {
                            tail = scale;
                        }
                        else if (kind != 1 || scale != upscale)
                        {
                            throw new InvalidDataException($"{name}: unexpected Interp {kind} x{scale}");
                        }

                        break;
                    }

                default:
                    throw new InvalidDataException($"{name}: layer type {type} is not part of the compact network");
            }
        }

        if (bin.BaseStream.Position != bin.BaseStream.Length)
        {
            throw new InvalidDataException($"{name}: the .bin file has {bin.BaseStream.Length - bin.BaseStream.Position} bytes the graph does not use");
        }

        if (convs.Count < 2 || upscale == 0)
        {
            throw new InvalidDataException($"{name}: not an SRVGGNetCompact graph");
        }

        var weights = new CompactSrWeights(name, convs.Take(convs.Count - 1).ToList(), convs[^1], upscale, tail);
        weights.Validate();
        return weights;
    }

    private static (string Type, Dictionary<int, string> Params) ParseLine(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var inputs = int.Parse(parts[2], CultureInfo.InvariantCulture);
        var outputs = int.Parse(parts[3], CultureInfo.InvariantCulture);
        var p = new Dictionary<int, string>();
        foreach (var kv in parts.Skip(4 + inputs + outputs))
        {
            var eq = kv.IndexOf('=', StringComparison.Ordinal);
            p[int.Parse(kv.AsSpan(0, eq), CultureInfo.InvariantCulture)] = kv[(eq + 1)..];
        }

        return (parts[0], p);
    }

    private static int Int(Dictionary<int, string> p, int key, int fallback) =>
        p.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static float Float(Dictionary<int, string> p, int key, float fallback) =>
        p.TryGetValue(key, out var v) ? float.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static float[] ReadTaggedWeights(BinaryReader bin, int count)
    {
        var tag = bin.ReadUInt32();
        if (tag == 0)
        {
            return ReadFloats(bin, count);
        }

        if (tag != Fp16Tag)
        {
            throw new InvalidDataException($"unsupported ncnn weight tag 0x{tag:X8}");
        }

        var bytes = bin.ReadBytes(count * 2);
        var result = new float[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i * 2)));
        }

        // fp16 blobs are padded to 4 bytes.
        if (count % 2 == 1)
        {
            bin.ReadBytes(2);
        }

        return result;
    }

    private static float[] ReadFloats(BinaryReader bin, int count)
    {
        var bytes = bin.ReadBytes(count * 4);
        if (bytes.Length != count * 4)
        {
            throw new InvalidDataException("the .bin file ends early");
        }

        var result = new float[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        }

        return result;
    }
}
