using Upres.Engine.Imaging;

namespace Upres.Engine.Quality;

/// The BT.601 luma of an image after rounding it to 8 bits per channel, in [16, 235]: what the
/// quality figures are computed on.
public sealed class LumaPlane
{
    public LumaPlane(int width, int height, double[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != width * height)
        {
            throw new ArgumentException($"expected {width * height} pixels, got {pixels.Length}", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }
    public double[] Pixels { get; }

    public static LumaPlane From(PlanarImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var n = image.Width * image.Height;
        var pixels = new double[n];
        var data = image.Data;
        for (var i = 0; i < n; i++)
        {
            double r = ImageFile.Quantize(data[i], 255), g = ImageFile.Quantize(data[n + i], 255), b = ImageFile.Quantize(data[(2 * n) + i], 255);
            pixels[i] = 16 + (((65.481 * r) + (128.553 * g) + (24.966 * b)) / 255);
        }

        return new LumaPlane(image.Width, image.Height, pixels);
    }

    public LumaPlane Crop(int left, int top, int width, int height)
    {
        if (left < 0 || top < 0 || width <= 0 || height <= 0 || left + width > Width || top + height > Height)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"crop {width}x{height}+{left}+{top} is outside {Width}x{Height}");
        }

        if (left == 0 && top == 0 && width == Width && height == Height)
        {
            return this;
        }

        var pixels = new double[width * height];
        for (var y = 0; y < height; y++)
        {
            Array.Copy(Pixels, ((top + y) * Width) + left, pixels, y * width, width);
        }

        return new LumaPlane(width, height, pixels);
    }
}
