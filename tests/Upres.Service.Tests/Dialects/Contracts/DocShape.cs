using System.Text.Json;
using System.Text.Json.Nodes;

namespace Upres.Service.Tests.Dialects.Contracts;

/// Compares an answer with a vendor page's example, field by field: every documented field is
/// there with the documented JSON type (a string stays a string even when it holds a number).
public static class DocShape
{
    /// `optional`: documented fields that may be absent or null in this state (e.g. finish_time
    /// before the task finished). `exact`: no field beyond the documented ones.
    public static void Matches(string documentedExample, JsonNode? actual, string[]? optional = null, bool exact = false)
    {
        var doc = JsonNode.Parse(documentedExample);
        Compare(doc, actual, "$", optional ?? [], exact);
    }

    private static void Compare(JsonNode? doc, JsonNode? actual, string path, string[] optional, bool exact)
    {
        if (doc is null)
        {
            return;
        }

        if (actual is null)
        {
            Assert.True(optional.Contains(path), $"{path} is null; the page shows {doc.GetValueKind()}");
            return;
        }

        Assert.True(doc.GetValueKind() == actual.GetValueKind() || (IsBool(doc) && IsBool(actual)),
            $"{path} is {actual.GetValueKind()}; the page shows {doc.GetValueKind()}");
        switch (doc)
        {
            case JsonObject d:
                var a = actual.AsObject();
                foreach (var (name, value) in d)
                {
                    var child = $"{path}.{name}";
                    if (!a.ContainsKey(name))
                    {
                        Assert.True(optional.Contains(child), $"{child} is missing");
                        continue;
                    }

                    Compare(value, a[name], child, optional, exact);
                }

                if (exact)
                {
                    var extra = string.Join(", ", a.Select(p => p.Key).Where(k => !d.ContainsKey(k)));
                    Assert.True(extra.Length == 0, $"{path} has fields the page does not show: {extra}");
                }

                break;
            case JsonArray d when d.Count > 0:
                foreach (var item in actual.AsArray())
                {
                    Compare(d[0], item, path + "[]", optional, exact);
                }

                break;
        }
    }

    private static bool IsBool(JsonNode node) => node.GetValueKind() is JsonValueKind.True or JsonValueKind.False;
}
