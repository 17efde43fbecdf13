using Upres.Engine.Imaging;

namespace Upres.Engine.Tests.Models;

public sealed class ImageFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("upres-image-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public async Task A_png_written_and_read_back_keeps_every_pixel(int bits)
    {
        var image = new PlanarImage(5, 3);
        var levels = bits == 8 ? 255f : 65535f;
        for (var i = 0; i < image.Data.Length; i++)
        {
            image.Data[i] = (i * 37 % 256) / 255f;
        }

        var path = Path.Combine(_directory, $"round-{bits}.png");
        await ImageFile.WritePngAsync(image, path, bits);
        var back = await ImageFile.ReadAsync(path);

        Assert.Equal((5, 3), (back.Width, back.Height));
        for (var i = 0; i < image.Data.Length; i++)
        {
            Assert.Equal(image.Data[i], back.Data[i], 0.5f / levels);
        }
    }

    [Fact]
    public async Task Values_outside_zero_to_one_are_clamped_and_rounded_like_the_reference_binaries()
    {
        var image = new PlanarImage(2, 1, [-0.2f, 1.7f, 0.5f / 255f, 0.49f / 255f, 0.2f, 0.2f]);
        var path = Path.Combine(_directory, "clamp.png");

        await ImageFile.WritePngAsync(image, path);
        var back = await ImageFile.ReadAsync(path);

        Assert.Equal([0f, 1f, 1f / 255f, 0f], back.Data[..4]);
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_fails_with_ffprobes_reason()
    {
        var path = Path.Combine(_directory, "not-an-image.png");
        await File.WriteAllTextAsync(path, "hello");

        await Assert.ThrowsAnyAsync<Exception>(() => ImageFile.ReadAsync(path));
    }
}
