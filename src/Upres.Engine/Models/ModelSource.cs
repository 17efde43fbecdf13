namespace Upres.Engine.Models;

/// Where the ncnn files come from: paths are relative to the extracted npm package's directory.
public sealed record ModelSource(
    string Package,
    string Version,
    string ParamPath,
    string BinPath,
    string ParamSha256,
    string BinSha256)
{
    public string ParamFile(UpresPaths paths) => Path.Combine(paths.PackageDirectory(Package, Version), ParamPath);

    public string BinFile(UpresPaths paths) => Path.Combine(paths.PackageDirectory(Package, Version), BinPath);
}
