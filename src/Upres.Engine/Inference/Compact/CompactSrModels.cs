using Upres.Engine.Models;

namespace Upres.Engine.Inference.Compact;

/// The catalog models this engine is built for, and the ones the performance target names.
public static class CompactSrModels
{
    public static IReadOnlyList<string> Names { get; } =
        ["realesr-animevideov3-x2", "realesr-animevideov3-x3", "realesr-animevideov3-x4", "realesrgan-x4fast"];

    /// The three the performance target names, in the order bench prints them.
    public static IReadOnlyList<string> Benchmarked { get; } =
        ["realesr-animevideov3-x2", "realesr-animevideov3-x4", "realesrgan-x4fast"];

    /// The model's ncnn files, from the catalog (which also holds their hashes).
    public static (string Param, string Bin) Files(UpresPaths paths, string name)
    {
        if (!Names.Contains(name, StringComparer.Ordinal))
        {
            throw new ArgumentException($"{name} is not a compact model this engine knows", nameof(name));
        }

        var source = ModelCatalog.Default.Get(name).Source;
        return (source.ParamFile(paths), source.BinFile(paths));
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
