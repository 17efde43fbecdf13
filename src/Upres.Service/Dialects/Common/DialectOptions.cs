using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Upres.Service.Dialects;

/// Operator settings for the dialects. Upres ships no face or colourise model; an operator who
/// installs one can name it here and the vendor requests that need it start working.
public sealed class DialectOptions
{
    /// Catalog model for kokoon's option.face_enhance.
    [ConfigurationKeyName("UPRES_FACE_MODEL")]
    public string? FaceModel { get; set; }

    /// How long kokoon's originals are kept (kokoon's pages: 14 days), longer than the service's
    /// retention so that SR tasks can still be made from them.
    [ConfigurationKeyName("UPRES_KOKOON_ORIGINAL_DAYS")]
    [System.ComponentModel.DataAnnotations.Range(0.001, 3650)]
    public double KokoonOriginalDays { get; set; } = 14;

    /// HitPaw model ids to catalog models, "5=my-colorize,18=my-face".
    [ConfigurationKeyName("UPRES_HITPAW_MODELS")]
    public string? HitPawModels { get; set; }

    public IReadOnlyDictionary<int, string> HitPawModelMap()
    {
        var map = new Dictionary<int, string>();
        foreach (var pair in (HitPawModels ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) && parts[1].Length > 0)
            {
                map[id] = parts[1];
            }
        }

        return map;
    }
}
