using Upres.Engine.Benchmark;
using Upres.Engine.Imaging;
using Upres.Engine.Inference;
using Upres.Engine.Inference.Gpu;
using Upres.Engine.Models;
using Upres.Engine.Models.Conversion;
using Upres.Engine.Models.Ncnn;
using Upres.Engine.Pipeline;
using Xunit.Abstractions;

namespace Upres.Engine.Tests.Inference;

/// The GPU path's graph (bytes in and out, the conversion inside), its bound buffers, tiles and
/// frames in flight run on the CPU provider here, in fp32 (ORT's CPU provider has no fp16
/// convolution); the fp16 graph runs where a GPU does.
public class GpuFrameUpscalerTests(ITestOutputHelper output)
{
    private const string Model = "realesr-animevideov3-x2";

    [Fact]
    public async Task The_packed_graph_gives_the_bytes_of_the_float_graph_and_the_frame_converter()
    {
        var (planar, packed) = await ConvertAsync(Model, half: false);
        var frame = GpuBenchmark.SyntheticFrame(40, 24);
        using var session = OnnxSession.Create(planar, new InferenceOptions { IntraOpThreads = 2 });
        var expected = session.Run(FrameConverter.ToPlanar(frame, 40, 24, false).Data, [1, 3, 24, 40], out _, CancellationToken.None);
        var expectedBytes = new byte[frame.Length * 4];
        FrameConverter.ToPacked(new PlanarImage(80, 48, expected), expectedBytes, false);

        using var gpu = GpuFrameUpscaler.Create(packed, 2, Model, CpuOptions());
        var actual = new byte[frame.Length * 4];
        gpu.UpscalePacked(frame, 40, 24, actual, CancellationToken.None);

        var differing = expectedBytes.Zip(actual).Count(p => p.First != p.Second);
        var worst = expectedBytes.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"{differing} of {actual.Length} bytes differ, by at most {worst}");
        Assert.True(worst <= 1, $"a byte differs by {worst}");
        Assert.True(differing <= actual.Length / 1000, $"{differing} bytes differ");
    }

    [Theory]
    [InlineData("realesr-animevideov3-x2", 2)]
    [InlineData("realesr-animevideov3-x4", 4)]
    [InlineData("realesrgan-x4fast", 4)]
    public async Task The_portable_graph_for_WebGPU_has_no_PRelu_or_Resize_and_gives_the_same_bytes(string name, int scale)
    {
        var (_, packed) = await ConvertAsync(name, half: false);
        var (_, portable) = await ConvertAsync(name, half: false, portable: true);
        // A node's op_type is field 4 of NodeProto: tag 0x22, then its length.
        var text = System.Text.Encoding.Latin1.GetString(portable);
        Assert.DoesNotContain("\x22\x05PRelu", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\x22\x06Resize", text, StringComparison.Ordinal);
        Assert.Contains("\x22\x05PRelu", System.Text.Encoding.Latin1.GetString(packed), StringComparison.Ordinal);

        var frame = GpuBenchmark.SyntheticFrame(40, 24);
        using var plain = GpuFrameUpscaler.Create(packed, scale, name, CpuOptions());
        using var rewritten = GpuFrameUpscaler.Create(portable, scale, name, CpuOptions());
        var expected = new byte[frame.Length * scale * scale];
        var actual = new byte[expected.Length];
        plain.UpscalePacked(frame, 40, 24, expected, CancellationToken.None);
        rewritten.UpscalePacked(frame, 40, 24, actual, CancellationToken.None);
        // The same products, summed in another order by the bicubic halving's convolution.
        var worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        var differing = expected.Zip(actual).Count(p => p.First != p.Second);
        output.WriteLine($"{name}: {differing} of {actual.Length} bytes differ, by at most {worst}");
        Assert.True(worst <= 1 && differing <= actual.Length / 1000, $"{differing} bytes differ, by at most {worst}");
    }

    [Fact]
    public async Task Tiles_chosen_from_a_small_memory_budget_give_the_whole_frame_result()
    {
        var (_, packed) = await ConvertAsync(Model, half: false);
        var frame = GpuBenchmark.SyntheticFrame(96, 64);
        using var whole = GpuFrameUpscaler.Create(packed, 2, Model, CpuOptions());
        var expected = new byte[frame.Length * 4];
        whole.UpscalePacked(frame, 96, 64, expected, CancellationToken.None);

        // No NVIDIA library here, so the fallback budget decides: 3 frames in flight, half of
        // 6 MiB shared by them, 1 KiB a pixel: about 1000 pixels, a 16- to 32-pixel tile.
        using var tiled = GpuFrameUpscaler.Create(packed, 2, Model, CpuOptions() with
        {
            FallbackMemoryBytes = 6 << 20,
            BytesPerInputPixel = 1024,
            MinimumTileSize = 16,
            Overlap = 20,
        });
        var actual = new byte[frame.Length * 4];
        tiled.UpscalePacked(frame, 96, 64, actual, CancellationToken.None);

        Assert.Equal(96, whole.CurrentTileSize);
        Assert.InRange(tiled.CurrentTileSize, 16, 32);
        var psnr = GpuBenchmark.Psnr(expected, actual);
        output.WriteLine($"tile {tiled.CurrentTileSize}: {psnr:F1} dB against the whole frame");
        Assert.True(psnr >= 50, $"{psnr:F1} dB");
    }

    [Fact]
    public async Task Frames_in_flight_on_several_threads_each_get_their_own_result()
    {
        var (_, packed) = await ConvertAsync(Model, half: false);
        using var gpu = GpuFrameUpscaler.Create(packed, 2, Model, CpuOptions());
        var frames = Enumerable.Range(0, 6).Select(i => GpuBenchmark.SyntheticFrame(32 + (i % 2 * 8), 24)).ToArray();
        var alone = frames.Select(f =>
        {
            var o = new byte[f.Length * 4];
            gpu.UpscalePacked(f, f.Length / 3 / 24, 24, o, CancellationToken.None);
            return o;
        }).ToArray();

        var together = new byte[frames.Length][];
        Parallel.For(0, frames.Length, new ParallelOptions { MaxDegreeOfParallelism = 3 }, i =>
        {
            together[i] = new byte[frames[i].Length * 4];
            gpu.UpscalePacked(frames[i], frames[i].Length / 3 / 24, 24, together[i], CancellationToken.None);
        });

        for (var i = 0; i < frames.Length; i++)
        {
            Assert.Equal(alone[i], together[i]);
        }
    }

    [Fact]
    public async Task A_cancelled_token_stops_the_frame()
    {
        var (_, packed) = await ConvertAsync(Model, half: false);
        using var gpu = GpuFrameUpscaler.Create(packed, 2, Model, CpuOptions());
        var frame = GpuBenchmark.SyntheticFrame(32, 32);

        Assert.ThrowsAny<OperationCanceledException>(() =>
            gpu.UpscalePacked(frame, 32, 32, new byte[frame.Length * 4], new CancellationToken(canceled: true)));
    }

    [Fact]
    public void The_CPU_provider_really_runs_and_a_missing_provider_says_why()
    {
        var cpu = ProviderProbe.Run(ExecutionProvider.Cpu);
        Assert.True(cpu.Runs, cpu.Detail);

        // Here CUDA is listed but its provider library is absent (or there is no GPU).
        var cuda = ProviderProbe.Run(ExecutionProvider.Cuda);
        output.WriteLine($"cuda: {cuda.Detail}");
        if (!File.Exists("/dev/nvidia0"))
        {
            Assert.False(cuda.Runs);
            Assert.False(string.IsNullOrWhiteSpace(cuda.Detail));
        }
    }

    [GpuFact(ExecutionProvider.WebGpu)]
    public Task WebGpu_upscales_in_fp16_within_45_dB_of_the_CPU_path() => MatchesCpuAsync(ExecutionProvider.WebGpu);

    [GpuFact(ExecutionProvider.Cuda)]
    public Task Cuda_upscales_in_fp16_within_45_dB_of_the_CPU_path() => MatchesCpuAsync(ExecutionProvider.Cuda);

    private async Task MatchesCpuAsync(ExecutionProvider provider)
    {
        var paths = UpresPaths.FromEnvironment();
        var frame = GpuBenchmark.SyntheticFrame(160, 90);
        var (reference, _) = await GpuBenchmark.CpuReferenceAsync(paths, Model, frame, 160, 90, CancellationToken.None);
        var result = await GpuBenchmark.RunAsync(paths, Model, provider, frame, 160, 90, new GpuBenchmarkOptions(Frames: 6, FramesInFlight: 2), reference, CancellationToken.None);
        output.WriteLine($"{provider}: {result.Fps:F1} fps, {result.PsnrVsCpu:F2} dB vs CPU, nodes: {result.CpuFallback ?? "all on the GPU"}");
        Assert.Null(result.Error);
        Assert.True(result.PsnrVsCpu >= 45, $"{result.PsnrVsCpu:F2} dB");
    }

    private static GpuUpscalerOptions CpuOptions() => new() { Provider = ExecutionProvider.Cpu, FramesInFlight = 3 };

    private static async Task<(byte[] Planar, byte[] Packed)> ConvertAsync(string name, bool half, bool portable = false)
    {
        var paths = UpresPaths.FromEnvironment();
        var model = ModelCatalog.Default.Get(name);
        var network = NcnnNetwork.Parse(await File.ReadAllTextAsync(model.Source.ParamFile(paths)));
        var weights = await File.ReadAllBytesAsync(model.Source.BinFile(paths));
        var planar = NcnnToOnnxConverter.Convert(network, weights, model.ConversionOptions);
        var packed = NcnnToOnnxConverter.Convert(network, weights, model.ConversionOptions with { PackedBytes = true, HalfPrecision = half, PortableOperators = portable });
        return (planar, packed);
    }
}
