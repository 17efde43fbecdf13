namespace Upres.Service.Jobs;

/// The models a job may name, and presets (friendly names for a model with settings).
public sealed class ModelOffers
{
    public IReadOnlyList<ModelOffer> Models { get; } =
    [
        new("realesrgan-x4fast", "model", [2, 3, 4], "Real-ESRGAN compact general video model.", "camera footage, real-world video; the fast default"),
        new("realesrgan-x4plus", "model", [4], "Real-ESRGAN x4plus, the large general model.", "strong restoration of stills and short clips; slow"),
        new("realesr-animevideov3", "model", [2, 3, 4], "Real-ESRGAN anime video v3.", "animation, cartoons, line art"),
    ];

    public IReadOnlyList<ModelOffer> Presets { get; } =
    [
        new("fast", "preset", [2, 4], "The compact general model.", "most real-world video", "realesrgan-x4fast"),
        new("quality", "preset", [4], "The large general model.", "short clips where quality matters more than time", "realesrgan-x4plus"),
        new("animation", "preset", [2, 4], "The anime video model.", "animation", "realesr-animevideov3"),
    ];

    public IReadOnlyCollection<string> ModelNames => [.. Models.Select(m => m.Name)];

    /// A preset name to its model; a model name to itself; null when unknown.
    public string? Resolve(string name)
        => Models.FirstOrDefault(m => m.Name == name)?.Name ?? Presets.FirstOrDefault(p => p.Name == name)?.Model;
}
