using System.Globalization;

namespace Upres.Engine.Models.Ncnn;

/// A layer's `id=value` pairs. Array parameters are written as `-(23300+id)=count,v1,v2,...` in the
/// file and are stored here under their plain id, as ncnn's ParamDict does.
public sealed class NcnnParamDictionary
{
    private readonly Dictionary<int, string[]> _values;

    public NcnnParamDictionary(IReadOnlyDictionary<int, string[]> values)
    {
        _values = new Dictionary<int, string[]>(values);
    }

    public static NcnnParamDictionary Empty { get; } = new(new Dictionary<int, string[]>());

    public IEnumerable<int> Ids => _values.Keys;

    public bool Contains(int id) => _values.ContainsKey(id);

    public int GetInt(int id, int defaultValue)
    {
        if (!_values.TryGetValue(id, out var raw))
        {
            return defaultValue;
        }

        // ncnn reads a scalar written as a float into an int slot by truncation.
        return IsFloat(raw[0]) ? (int)ParseFloat(raw[0]) : ParseInt(raw[0]);
    }

    public float GetFloat(int id, float defaultValue)
    {
        if (!_values.TryGetValue(id, out var raw))
        {
            return defaultValue;
        }

        return IsFloat(raw[0]) ? ParseFloat(raw[0]) : ParseInt(raw[0]);
    }

    public int[] GetInts(int id) =>
        _values.TryGetValue(id, out var raw) ? raw.Select(v => IsFloat(v) ? (int)ParseFloat(v) : ParseInt(v)).ToArray() : [];

    public float[] GetFloats(int id) =>
        _values.TryGetValue(id, out var raw) ? raw.Select(v => IsFloat(v) ? ParseFloat(v) : ParseInt(v)).ToArray() : [];

    internal static bool IsFloat(string token) =>
        token.AsSpan().IndexOfAny(".eE") >= 0 && !token.StartsWith("0x", StringComparison.OrdinalIgnoreCase);

    private static int ParseInt(string token) => int.Parse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private static float ParseFloat(string token) => float.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture);
}
