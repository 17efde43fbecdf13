using Upres.Engine.Imaging;

namespace Upres.Engine.Tests.Tiling;

internal static class TestImages
{
    /// Smooth gradients plus noise: structure everywhere, so seams would show.
    public static PlanarImage Noisy(int width, int height, int seed)
    {
        var random = new Random(seed);
        var image = new PlanarImage(width, height);
        for (var c = 0; c < 3; c++)
        {
            var plane = image.Plane(c);
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    var smooth = 0.5 + (0.3 * Math.Sin((x * (c + 1) * 0.07) + (y * 0.05)));
                    plane[(y * width) + x] = (float)Math.Clamp(smooth + ((random.NextDouble() - 0.5) * 0.3), 0, 1);
                }
            }
        }

        return image;
    }

    public static PlanarImage Crop(PlanarImage image, int x, int y, int width, int height)
    {
        var result = new PlanarImage(width, height);
        for (var c = 0; c < 3; c++)
        {
            var source = image.Plane(c);
            var target = result.Plane(c);
            for (var row = 0; row < height; row++)
            {
                source.Slice(((y + row) * image.Width) + x, width).CopyTo(target.Slice(row * width, width));
            }
        }

        return result;
    }

    public static PlanarImage PadReplicate(PlanarImage image, int margin)
    {
        var width = image.Width + (2 * margin);
        var height = image.Height + (2 * margin);
        var result = new PlanarImage(width, height);
        for (var c = 0; c < 3; c++)
        {
            var source = image.Plane(c);
            var target = result.Plane(c);
            for (var y = 0; y < height; y++)
            {
                var sy = Math.Clamp(y - margin, 0, image.Height - 1);
                for (var x = 0; x < width; x++)
                {
                    target[(y * width) + x] = source[(sy * image.Width) + Math.Clamp(x - margin, 0, image.Width - 1)];
                }
            }
        }

        return result;
    }
}
