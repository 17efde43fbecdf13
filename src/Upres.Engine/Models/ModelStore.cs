using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Upres.Engine.Models.Conversion;

namespace Upres.Engine.Models;

/// Converts a catalog model to ONNX on first use and keeps the result under
/// <see cref="UpresPaths.ModelDirectory"/>. The file name carries a hash of the source files and the
/// converter version, and is written by rename, so concurrent processes never see a partial file.
public sealed class ModelStore
{
    private readonly UpresPaths _paths;
    private readonly string _modelDirectory;
    private readonly SemaphoreSlim _conversionGate = new(1, 1);

    /// modelDirectory overrides where converted models go (tests); the sources always come from paths.
    public ModelStore(UpresPaths paths, ModelCatalog? catalog = null, string? modelDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        _paths = paths;
        _modelDirectory = modelDirectory ?? paths.ModelDirectory;
        Catalog = catalog ?? ModelCatalog.Default;
    }

    public ModelCatalog Catalog { get; }

    public Task<string> GetOnnxPathAsync(string modelName, CancellationToken cancellationToken = default) =>
        GetOnnxPathAsync(Catalog.Get(modelName), cancellationToken);

    public Task<string> GetOnnxPathAsync(ModelDescriptor model, CancellationToken cancellationToken = default) =>
        GetOnnxPathAsync(model, OnnxVariant.PlanarFloat32, cancellationToken);

    public async Task<string> GetOnnxPathAsync(ModelDescriptor model, OnnxVariant variant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var target = CachedPath(model, variant);
        if (File.Exists(target))
        {
            return target;
        }

        await _conversionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(target))
            {
                return target;
            }

            var paramFile = model.Source.ParamFile(_paths);
            var binFile = model.Source.BinFile(_paths);
            var paramText = await ModelFiles.ReadVerifiedAsync(paramFile, model.Source.ParamSha256, "the model packages", cancellationToken).ConfigureAwait(false);
            var weights = await ModelFiles.ReadVerifiedAsync(binFile, model.Source.BinSha256, "the model packages", cancellationToken).ConfigureAwait(false);

            var network = Ncnn.NcnnNetwork.Parse(Encoding.UTF8.GetString(paramText));
            var conversion = variant switch
            {
                OnnxVariant.PackedFloat16 => model.ConversionOptions with { PackedBytes = true, HalfPrecision = true },
                OnnxVariant.PackedFloat16Portable => model.ConversionOptions with { PackedBytes = true, HalfPrecision = true, PortableOperators = true },
                _ => model.ConversionOptions,
            };
            var onnx = NcnnToOnnxConverter.Convert(network, weights, conversion, cancellationToken);

            await ModelFiles.PublishAsync(target, onnx, cancellationToken).ConfigureAwait(false);

            return target;
        }
        finally
        {
            _conversionGate.Release();
        }
    }

    /// Where the converted model for these exact source files and this converter lives.
    public string CachedPath(ModelDescriptor model, OnnxVariant variant = OnnxVariant.PlanarFloat32)
    {
        ArgumentNullException.ThrowIfNull(model);
        var key = string.Join(
            '|',
            model.Source.ParamSha256,
            model.Source.BinSha256,
            model.Framing.ToString(),
            model.Scale.ToString(CultureInfo.InvariantCulture),
            NcnnToOnnxConverter.Version.ToString(CultureInfo.InvariantCulture));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        var suffix = variant switch
        {
            OnnxVariant.PackedFloat16 => ".gpu-fp16",
            OnnxVariant.PackedFloat16Portable => ".webgpu-fp16",
            _ => string.Empty,
        };
        return Path.Combine(_modelDirectory, $"{model.Name}-{hash}{suffix}.onnx");
    }
}
