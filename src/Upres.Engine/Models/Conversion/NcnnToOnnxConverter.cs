using Upres.Engine.Models.Ncnn;

namespace Upres.Engine.Models.Conversion;

public static class NcnnToOnnxConverter
{
    /// Bumped whenever the emitted graph changes, so cached .onnx files are rebuilt.
    public const int Version = 2;

    public static byte[] Convert(NcnnNetwork network, ReadOnlyMemory<byte> weights, ConversionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        var translator = new NcnnGraphTranslator(network, new NcnnWeightReader(weights), options);
        return translator.Translate(cancellationToken);
    }

    /// A frame interpolation network (RIFE v4): see NcnnGraphTranslator.TranslateInterpolation.
    public static byte[] ConvertInterpolation(NcnnNetwork network, ReadOnlyMemory<byte> weights, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        var translator = new NcnnGraphTranslator(network, new NcnnWeightReader(weights), new ConversionOptions(1, InputFraming.None));
        return translator.TranslateInterpolation(cancellationToken);
    }

    public static async Task<byte[]> ConvertFilesAsync(string paramPath, string binPath, ConversionOptions options, CancellationToken cancellationToken = default)
    {
        var network = NcnnNetwork.Parse(await File.ReadAllTextAsync(paramPath, cancellationToken).ConfigureAwait(false));
        var weights = await File.ReadAllBytesAsync(binPath, cancellationToken).ConfigureAwait(false);
        return Convert(network, weights, options, cancellationToken);
    }
}
