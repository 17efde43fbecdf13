using System.Globalization;
using System.Text.Json;

namespace Upres.Service.Dialects;

/// Reads vendor request bodies field by field, so a wrong type or a missing field is reported by
/// name in the vendor's error shape instead of surfacing as a serializer exception (or a 500).
/// JSON null counts as absent, as the vendors' own servers treat it.
public static class JsonFields
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow };

    public static JsonElement ParseObject(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            throw new DialectProblemException(new(ProblemKind.MalformedJson, "request body is empty; a JSON object is required"));
        }

        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(body, Options);
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new DialectProblemException(new(ProblemKind.MalformedJson, $"request body is not valid JSON: {e.Message}"));
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new DialectProblemException(new(ProblemKind.MalformedJson, "request body must be a JSON object"));
        }

        return root;
    }

    public static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.TryGetProperty(name, out value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
        {
            return true;
        }

        value = default;
        return false;
    }

    public static string RequiredString(JsonElement obj, string name, string? path = null) =>
        OptionalString(obj, name, path) ?? throw new DialectProblemException(DialectProblem.Missing(path ?? name));

    public static string? OptionalString(JsonElement obj, string name, string? path = null)
    {
        if (!TryGet(obj, name, out var v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            throw new DialectProblemException(DialectProblem.WrongType(path ?? name, "a string"));
        }

        return v.GetString()!;
    }

    public static bool RequiredBool(JsonElement obj, string name, string? path = null) =>
        OptionalBool(obj, name, path) ?? throw new DialectProblemException(DialectProblem.Missing(path ?? name));

    public static bool? OptionalBool(JsonElement obj, string name, string? path = null)
    {
        if (!TryGet(obj, name, out var v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new DialectProblemException(DialectProblem.WrongType(path ?? name, "true or false")),
        };
    }

    public static long RequiredInteger(JsonElement obj, string name, string? path = null) =>
        OptionalInteger(obj, name, path) ?? throw new DialectProblemException(DialectProblem.Missing(path ?? name));

    public static long? OptionalInteger(JsonElement obj, string name, string? path = null)
    {
        if (!TryGet(obj, name, out var v))
        {
            return null;
        }

        return AsInteger(v, path ?? name);
    }

    public static long AsInteger(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.Number)
        {
            throw new DialectProblemException(DialectProblem.WrongType(path, "an integer"));
        }

        if (v.TryGetInt64(out var n))
        {
            return n;
        }

        // 1920.0 is an integer to every JSON client library that wrote it.
        if (v.TryGetDouble(out var d) && Math.Abs(d) < 1e15 && d == Math.Floor(d))
        {
            return (long)d;
        }

        throw new DialectProblemException(DialectProblem.WrongType(path, "an integer"));
    }

    public static JsonElement RequiredObject(JsonElement obj, string name, string? path = null)
    {
        if (!TryGet(obj, name, out var v))
        {
            throw new DialectProblemException(DialectProblem.Missing(path ?? name));
        }

        if (v.ValueKind != JsonValueKind.Object)
        {
            throw new DialectProblemException(DialectProblem.WrongType(path ?? name, "an object"));
        }

        return v;
    }

    public static JsonElement RequiredArray(JsonElement obj, string name, string? path = null)
    {
        if (!TryGet(obj, name, out var v))
        {
            throw new DialectProblemException(DialectProblem.Missing(path ?? name));
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            throw new DialectProblemException(DialectProblem.WrongType(path ?? name, "an array"));
        }

        return v;
    }

    public static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.Number => v.GetRawText(),
        _ => v.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture),
    };
}
