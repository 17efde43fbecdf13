using System.Globalization;

namespace Upres.Engine.Models.Ncnn;

/// The graph from an ncnn `.param` text file, in file order (which ncnn requires to be topological).
public sealed record NcnnNetwork(IReadOnlyList<NcnnLayer> Layers, int BlobCount)
{
    public const int Magic = 7767517;
    private const int ArrayKeyBase = -23300;

    public static NcnnNetwork Load(string paramPath) => Parse(File.ReadAllText(paramPath));

    public static NcnnNetwork Parse(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length < 2 || !int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var magic) || magic != Magic)
        {
            throw new NcnnFormatException($"not an ncnn param file: the first line must be {Magic}");
        }

        var counts = SplitTokens(lines[1]);
        if (counts.Length != 2
            || !int.TryParse(counts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var layerCount)
            || !int.TryParse(counts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var blobCount))
        {
            throw new NcnnFormatException($"bad layer/blob count line: '{lines[1]}'");
        }

        if (lines.Length - 2 != layerCount)
        {
            throw new NcnnFormatException($"header says {layerCount} layers, file has {lines.Length - 2}");
        }

        var layers = new List<NcnnLayer>(layerCount);
        var produced = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 2; i < lines.Length; i++)
        {
            var layer = ParseLayer(lines[i], i + 1);
            foreach (var input in layer.Inputs)
            {
                if (!produced.Contains(input))
                {
                    throw new NcnnFormatException($"line {i + 1}: layer '{layer.Name}' reads blob '{input}' before any layer writes it");
                }
            }

            foreach (var output in layer.Outputs)
            {
                if (!produced.Add(output))
                {
                    throw new NcnnFormatException($"line {i + 1}: blob '{output}' is written twice");
                }
            }

            layers.Add(layer);
        }

        return new NcnnNetwork(layers, blobCount);
    }

    private static NcnnLayer ParseLayer(string line, int lineNumber)
    {
        var tokens = SplitTokens(line);
        if (tokens.Length < 4
            || !int.TryParse(tokens[2], NumberStyles.None, CultureInfo.InvariantCulture, out var inputCount)
            || !int.TryParse(tokens[3], NumberStyles.None, CultureInfo.InvariantCulture, out var outputCount)
            || tokens.Length < 4 + inputCount + outputCount)
        {
            throw new NcnnFormatException($"line {lineNumber}: malformed layer line '{line}'");
        }

        var inputs = tokens.AsSpan(4, inputCount).ToArray();
        var outputs = tokens.AsSpan(4 + inputCount, outputCount).ToArray();
        var values = new Dictionary<int, string[]>();
        foreach (var pair in tokens.AsSpan(4 + inputCount + outputCount))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !int.TryParse(pair.AsSpan(0, eq), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var key))
            {
                throw new NcnnFormatException($"line {lineNumber}: bad parameter '{pair}'");
            }

            var value = pair[(eq + 1)..];
            if (key <= ArrayKeyBase)
            {
                var parts = value.Split(',');
                if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n != parts.Length - 1)
                {
                    throw new NcnnFormatException($"line {lineNumber}: array parameter '{pair}' does not hold the count it declares");
                }

                values[ArrayKeyBase - key] = parts[1..];
            }
            else
            {
                values[key] = [value];
            }
        }

        return new NcnnLayer(tokens[0], tokens[1], inputs, outputs, new NcnnParamDictionary(values));
    }

    private static string[] SplitTokens(string line) =>
        line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
}
