using System.Runtime.InteropServices;
using Upres.Engine.Imaging;

namespace Upres.Engine.Pipeline;

/// Packed rgb24 / rgb48le (what ffmpeg writes and reads on the pipes) to and from planar floats.
internal static class FrameConverter
{
    public static int FrameBytes(int width, int height, bool sixteenBit) => width * height * 3 * (sixteenBit ? 2 : 1);

    public static PlanarImage ToPlanar(ReadOnlySpan<byte> packed, int width, int height, bool sixteenBit)
    {
        var image = new PlanarImage(width, height);
        var pixels = width * height;
        var r = image.Plane(0);
        var g = image.Plane(1);
        var b = image.Plane(2);
        if (sixteenBit)
        {
            // rgb48le; the pipe is little-endian like every machine we run on.
            var words = MemoryMarshal.Cast<byte, ushort>(packed[..(pixels * 6)]);
            const float scale = 1f / 65535f;
            for (var i = 0; i < pixels; i++)
            {
                r[i] = words[3 * i] * scale;
                g[i] = words[(3 * i) + 1] * scale;
                b[i] = words[(3 * i) + 2] * scale;
            }
        }
        else
        {
            const float scale = 1f / 255f;
            for (var i = 0; i < pixels; i++)
            {
                r[i] = packed[3 * i] * scale;
                g[i] = packed[(3 * i) + 1] * scale;
                b[i] = packed[(3 * i) + 2] * scale;
            }
        }

        return image;
    }

    public static void ToPacked(PlanarImage image, Span<byte> packed, bool sixteenBit)
    {
        var pixels = image.Width * image.Height;
        var r = image.Plane(0);
        var g = image.Plane(1);
        var b = image.Plane(2);
        if (sixteenBit)
        {
            var words = MemoryMarshal.Cast<byte, ushort>(packed[..(pixels * 6)]);
            for (var i = 0; i < pixels; i++)
            {
                words[3 * i] = To16(r[i]);
                words[(3 * i) + 1] = To16(g[i]);
                words[(3 * i) + 2] = To16(b[i]);
            }
        }
        else
        {
            for (var i = 0; i < pixels; i++)
            {
                packed[3 * i] = To8(r[i]);
                packed[(3 * i) + 1] = To8(g[i]);
                packed[(3 * i) + 2] = To8(b[i]);
            }
        }
    }

    // Models overshoot [0,1] at edges; NaN from a broken model becomes black rather than garbage.
    private static byte To8(float v) => float.IsNaN(v) ? (byte)0 : (byte)(Math.Clamp(v, 0f, 1f) * 255f + 0.5f);

    private static ushort To16(float v) => float.IsNaN(v) ? (ushort)0 : (ushort)(Math.Clamp(v, 0f, 1f) * 65535f + 0.5f);
}
