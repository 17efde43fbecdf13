using System.Globalization;
using System.Security.Cryptography;

namespace Upres.Engine.Models;

/// Reading pinned model source files and publishing a converted model: shared by every model kind
/// (upscalers in ModelStore, RIFE in RifeModel).
internal static class ModelFiles
{
    /// The file's bytes, refused unless they hash to the pinned sha256. `fetchedBy` says what
    /// fetches a missing file.
    public static async Task<byte[]> ReadVerifiedAsync(string path, string expectedSha256, string fetchedBy, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new ModelIntegrityException($"model file '{path}' is missing; scripts/setup.sh fetches {fetchedBy}");
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        return string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase)
            ? bytes
            : throw new ModelIntegrityException($"model file '{path}' has sha256 {actual}, expected {expectedSha256}");
    }

    /// Writes `bytes` to a private temporary name beside `target`, then moves it into place, so a
    /// reader (another process sharing the cache) never sees half a model.
    public static async Task PublishAsync(string target, byte[] bytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = $"{target}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.{Guid.NewGuid():N}.tmp";
        try
        {
            await File.WriteAllBytesAsync(temporary, bytes, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
