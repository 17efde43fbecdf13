using System.Globalization;
using System.Text;
using Upres.Engine.Media;

namespace Upres.Engine.Imaging;

/// Still images through ffmpeg (there is no image library here): anything ffmpeg decodes comes in
/// at its own depth (8-bit as rgb24, deeper as rgb48le), and PNG goes out at 8 or 16 bits.
public static class ImageFile
{
    public static async Task<PlanarImage> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no image at '{path}'", path);
        }

        var probe = await RunAsync(
            "ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height,pix_fmt", "-of", "csv=p=0:s=x", path],
            stdin: null,
            cancellationToken).ConfigureAwait(false);
        var (width, height, sourceFormat) = ParseProbe(Encoding.ASCII.GetString(probe), path);

        // swscale's rgb24 -> rgb48 is not an exact x257, so 8-bit sources come through as rgb24.
        var deep = IsDeeperThan8Bits(sourceFormat);
        var bytesPerPixel = deep ? 6 : 3;
        var raw = await RunAsync(
            "ffmpeg",
            ["-v", "error", "-nostdin", "-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", deep ? "rgb48le" : "rgb24", "-"],
            stdin: null,
            cancellationToken).ConfigureAwait(false);
        var pixels = width * height;
        if (raw.Length != pixels * bytesPerPixel)
        {
            throw new InvalidDataException($"ffmpeg gave {raw.Length} bytes for a {width}x{height} image '{path}', expected {pixels * bytesPerPixel}");
        }

        var image = new PlanarImage(width, height);
        var data = image.Data;
        for (var i = 0; i < pixels; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                data[(c * pixels) + i] = deep
                    ? (raw[(i * 6) + (c * 2)] | (raw[(i * 6) + (c * 2) + 1] << 8)) / 65535f
                    : raw[(i * 3) + c] / 255f;
            }
        }

        return image;
    }

    /// Rounds the way the reference upscalers do (floor(v * 255 + 0.5), clamped).
    public static async Task WritePngAsync(PlanarImage image, string path, int bitsPerChannel = 8, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (bitsPerChannel is not (8 or 16))
        {
            throw new ArgumentOutOfRangeException(nameof(bitsPerChannel), bitsPerChannel, "PNG is written at 8 or 16 bits per channel");
        }

        var pixels = image.Width * image.Height;
        var data = image.Data;
        byte[] raw;
        string pixelFormat;
        if (bitsPerChannel == 8)
        {
            pixelFormat = "rgb24";
            raw = new byte[pixels * 3];
            for (var i = 0; i < pixels; i++)
            {
                for (var c = 0; c < 3; c++)
                {
                    raw[(i * 3) + c] = (byte)Quantize(data[(c * pixels) + i], 255);
                }
            }
        }
        else
        {
            pixelFormat = "rgb48le";
            raw = new byte[pixels * 6];
            for (var i = 0; i < pixels; i++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var v = Quantize(data[(c * pixels) + i], 65535);
                    raw[(i * 6) + (c * 2)] = (byte)v;
                    raw[(i * 6) + (c * 2) + 1] = (byte)(v >> 8);
                }
            }
        }

        var size = string.Create(CultureInfo.InvariantCulture, $"{image.Width}x{image.Height}");
        await RunAsync(
            "ffmpeg",
            ["-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", pixelFormat, "-s", size, "-i", "-", "-frames:v", "1", "-update", "1", "-c:v", "png", "-f", "image2", path],
            raw,
            cancellationToken).ConfigureAwait(false);
    }

    internal static int Quantize(float value, int max)
    {
        var v = Math.Floor((value * max) + 0.5);
        return v <= 0 || double.IsNaN(v) ? 0 : v >= max ? max : (int)v;
    }

    private static (int Width, int Height, string PixelFormat) ParseProbe(string probeOutput, string path)
    {
        var line = probeOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? string.Empty;
        var parts = line.Split('x');
        if (parts.Length == 3
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height)
            && width > 0 && height > 0)
        {
            return (width, height, parts[2]);
        }

        throw new InvalidDataException($"ffprobe found no picture in '{path}' (it said '{line}')");
    }

    /// ffmpeg names deep formats with their bits before the endianness: rgb48be, gray16le, yuv420p10le.
    internal static bool IsDeeperThan8Bits(string pixelFormat)
    {
        var match = System.Text.RegularExpressions.Regex.Match(pixelFormat, "([0-9]+)(le|be)$");
        return match.Success && int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture) > 8;
    }

    private static async Task<byte[]> RunAsync(string fileName, IReadOnlyList<string> arguments, byte[]? stdin, CancellationToken cancellationToken)
    {
        await using var child = ProcessRunner.Start(
            fileName,
            arguments,
            new ProcessOptions { CaptureStandardOutput = false, RedirectStandardInput = stdin is not null, Timeout = TimeSpan.FromMinutes(2) });
        using var stdout = new MemoryStream();
        var copy = child.StandardOutput.CopyToAsync(stdout, cancellationToken);
        if (stdin is not null)
        {
            try
            {
                await child.StandardInput.WriteAsync(stdin, cancellationToken).ConfigureAwait(false);
                child.StandardInput.Close();
            }
            catch (IOException)
            {
                // The child stopped reading: WaitAsync reports its exit code and stderr.
            }
        }

        await copy.ConfigureAwait(false);
        await child.WaitAsync(cancellationToken).ConfigureAwait(false);
        return stdout.ToArray();
    }
}
