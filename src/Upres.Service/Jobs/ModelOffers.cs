using Upres.Engine.Models;

namespace Upres.Service.Jobs;

/// The engine's model catalog as the API offers it, plus presets (friendly names for a model) and
/// family names ("realesr-animevideov3") that pick the catalog variant for the job's scale.
public sealed class ModelOffers(ModelCatalog catalog)
{
    public ModelOffers()
        : this(ModelCatalog.Default)
    {
    }

    public IReadOnlyList<ModelOffer> Models => [.. catalog.All.OrderBy(m => m.Name, StringComparer.Ordinal).Select(Describe)];

    public IReadOnlyList<ModelOffer> Presets { get; } =
    [
        new("fast", "preset", [2, 3, 4], "The catalog default for the scale: the compact video models.", "most video; the quickest on a CPU"),
        new("real-world", "preset", [4], "Real-ESRGAN compact general model.", "camera footage with real-world noise and blur", "realesrgan-x4fast"),
        new("quality", "preset", [4], "Real-ESRGAN x4plus, the large general model.", "short clips where quality matters more than time (about 15x slower)", "realesrgan-x4plus"),
        new("animation", "preset", [2, 3, 4], "Real-ESRGAN anime video v3.", "animation, cartoons, line art", "realesr-animevideov3"),
    ];

    public IReadOnlyCollection<string> ModelNames => [.. catalog.All.Select(m => m.Name)];

    /// A model, preset or family name to a catalog name for this scale; null means the catalog
    /// default for the scale; throws KeyNotFoundException when unknown.
    public string? Resolve(string name, int scale)
    {
        if (catalog.TryGet(name, out _))
        {
            return name;
        }

        if (Presets.FirstOrDefault(p => p.Name == name) is { } preset)
        {
            return preset.Model is null ? null : Resolve(preset.Model, scale);
        }

        var variant = $"{name}-x{scale}";
        if (catalog.TryGet(variant, out _))
        {
            return variant;
        }

        var any = catalog.All.Where(m => m.Name.StartsWith(name + "-x", StringComparison.Ordinal)).OrderByDescending(m => m.Scale).FirstOrDefault();
        return any?.Name ?? throw new KeyNotFoundException(name);
    }

    private static ModelOffer Describe(ModelDescriptor m)
    {
        var content = m.Content == ContentKind.Animation ? "animation, cartoons, line art" : "camera footage, real-world video";
        var denoise = m.Denoise == DenoiseLevel.None ? "" : $"; denoise {m.Denoise.ToString().ToLowerInvariant()}";
        return new ModelOffer(m.Name, "model", [m.Scale], $"{m.Architecture} x{m.Scale}{denoise} ({m.Licence})", content);
    }
}
