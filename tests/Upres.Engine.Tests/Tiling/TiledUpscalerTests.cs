using Upres.Engine.Imaging;
using Upres.Engine.Inference;

namespace Upres.Engine.Tests.Tiling;

public class TiledUpscalerTests
{
    // Body of 6 layers: receptive radius 8 px, inside the 16 px overlap but far beyond the 0 px
    // of naive tiling, so it exercises the overlap logic.
    private const int BodyLayers = 6;
    private static readonly InferenceOptions TwoThreads = new() { IntraOpThreads = 2 };
    private static readonly Lazy<byte[]> Model = new(() => TestNetworks.Compact(scale: 2, channels: 16, bodyLayers: BodyLayers, seed: 7));

    [Fact]
    public void Tiles_cut_at_the_frame_edge_give_the_untiled_result()
    {
        var image = TestImages.Noisy(101, 67, seed: 1);
        using var session = OnnxSession.Create(Model.Value, TwoThreads);
        using var tiled = new TiledUpscaler(session, 2, "test", new TileOptions { TileSize = 32, Overlap = 16, Border = TileBorder.None }, ownsSession: false);

        var result = tiled.Upscale(image, CancellationToken.None);
        var untiled = RunWhole(session, image, 2);

        Assert.True(ImageMetrics.Psnr(result, untiled) >= 50, $"PSNR {ImageMetrics.Psnr(result, untiled):F1} dB");
        Assert.True(ImageMetrics.MaxAbsoluteDifference(result, untiled) < 1e-4f);
    }

    [Fact]
    public void Replicate_padded_tiles_equal_an_untiled_run_on_a_replicate_padded_frame()
    {
        const int Overlap = 12;
        var image = TestImages.Noisy(90, 45, seed: 2);
        using var session = OnnxSession.Create(Model.Value, TwoThreads);
        using var tiled = new TiledUpscaler(session, 2, "test", new TileOptions { TileSize = 40, Overlap = Overlap, Border = TileBorder.Replicate }, ownsSession: false);

        var result = tiled.Upscale(image, CancellationToken.None);
        var padded = RunWhole(session, TestImages.PadReplicate(image, Overlap), 2);
        var expected = TestImages.Crop(padded, 2 * Overlap, 2 * Overlap, 2 * image.Width, 2 * image.Height);

        Assert.True(ImageMetrics.Psnr(result, expected) >= 50, $"PSNR {ImageMetrics.Psnr(result, expected):F1} dB");
    }

    [Fact]
    public void Without_overlap_the_seams_show_so_the_test_network_does_reach_across_tiles()
    {
        var image = TestImages.Noisy(96, 64, seed: 3);
        using var session = OnnxSession.Create(Model.Value, TwoThreads);
        using var naive = new TiledUpscaler(session, 2, "test", new TileOptions { TileSize = 32, Overlap = 0, Border = TileBorder.None }, ownsSession: false);

        var result = naive.Upscale(image, CancellationToken.None);
        var untiled = RunWhole(session, image, 2);

        Assert.True(ImageMetrics.Psnr(result, untiled) < 50, $"PSNR {ImageMetrics.Psnr(result, untiled):F1} dB");
    }

    [Fact]
    public void A_frame_smaller_than_a_tile_and_reflect_padding_work()
    {
        var image = TestImages.Noisy(9, 5, seed: 4);
        using var session = OnnxSession.Create(Model.Value, TwoThreads);
        using var tiled = new TiledUpscaler(session, 2, "test", new TileOptions { TileSize = 64, Overlap = 16, Border = TileBorder.Reflect }, ownsSession: false);

        var result = tiled.Upscale(image, CancellationToken.None);

        Assert.Equal(18, result.Width);
        Assert.Equal(10, result.Height);
        Assert.All(result.Data, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void A_cancelled_token_stops_the_frame()
    {
        using var session = OnnxSession.Create(Model.Value, TwoThreads);
        using var tiled = new TiledUpscaler(session, 2, "test", ownsSession: false);

        Assert.ThrowsAny<OperationCanceledException>(() => tiled.Upscale(TestImages.Noisy(64, 64, 5), new CancellationToken(canceled: true)));
    }

    [Fact]
    public void A_1080p_frame_at_x2_allocates_the_output_and_one_tile_only()
    {
        var image = new PlanarImage(1920, 1080);
        using var session = OnnxSession.Create(TestNetworks.Compact(scale: 2, channels: 8, bodyLayers: 0, seed: 9), TwoThreads);
        using var tiled = new TiledUpscaler(session, 2, "test", new TileOptions { TileSize = 512, Overlap = 16 }, ownsSession: false);
        var output = new PlanarImage(3840, 2160);

        tiled.Upscale(image, output, CancellationToken.None); // first frame sizes the tile buffers
        var before = GC.GetAllocatedBytesForCurrentThread();
        tiled.Upscale(image, output, CancellationToken.None);
        var perFrame = GC.GetAllocatedBytesForCurrentThread() - before;

        // The process's peak is not asserted: other tests share it (the 2160p one holds 1.5 GiB).
        Assert.True(perFrame < 1 << 20, $"allocated {perFrame} bytes for a second frame");
    }

    [Fact]
    public void A_2160p_frame_at_x4_fits_in_the_output_plus_one_tile()
    {
        var image = new PlanarImage(3840, 2160);
        Array.Fill(image.Data, 0.5f);
        using var session = OnnxSession.Create(TestNetworks.PixelShuffleOnly(scale: 4, seed: 10), TwoThreads);
        using var tiled = new TiledUpscaler(session, 4, "test", new TileOptions { TileSize = 512, Overlap = 16 }, ownsSession: false);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var output = tiled.Upscale(image, CancellationToken.None);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var outputBytes = 4L * output.Data.Length;
        Assert.Equal((15360, 8640), (output.Width, output.Height));
        Assert.True(allocated < outputBytes + (96L << 20), $"allocated {allocated >> 20} MiB for a {outputBytes >> 20} MiB output");
        // The last pixel comes from the last tile; the weights are positive, so it was written.
        Assert.True(output.Plane(2)[(8639 * 15360) + 15359] > 0);
    }

    internal static PlanarImage RunWhole(OnnxSession session, PlanarImage image, int scale)
    {
        var output = new PlanarImage(image.Width * scale, image.Height * scale);
        session.Run(image.Data, [1, 3, image.Height, image.Width], output.Data, [1, 3, output.Height, output.Width], CancellationToken.None);
        return output;
    }
}
