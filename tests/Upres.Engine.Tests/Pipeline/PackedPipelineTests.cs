using Upres.Engine.Imaging;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Tests.Pipeline;

/// An upscaler that takes ffmpeg's 8-bit bytes (the GPU path: the conversion is inside its model)
/// gets them as they come off the decoder's pipe, and its bytes go to the encoder as they are: no
/// frame is converted to planar floats on the CPU, and the output is the one the planar path gives.
public sealed class PackedPipelineTests : IDisposable
{
    private readonly TestClips _clips = new();

    public void Dispose() => _clips.Dispose();

    // testsrc2 at 10 fps doubled to 20 fps, losslessly: every second frame repeats exactly.
    private Task<string> DoubledAsync() => _clips.MakeAsync("doubled.mkv",
        "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10", "-t", "1", "-vf", "fps=20", "-c:v", "libx264", "-qp", "0", "-preset", "ultrafast");

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Bytes_go_straight_through_and_match_the_planar_path_frame_for_frame(int framesInFlight)
    {
        var input = await DoubledAsync();
        var packed = new PackedNearest(framesInFlight);
        var packedOut = _clips.PathFor($"packed{framesInFlight}.mkv");
        var planarOut = _clips.PathFor($"planar{framesInFlight}.mkv");

        var viaBytes = await new VideoUpscaler(_ => packed).UpscaleAsync(
            new UpscaleRequest { InputPath = input, OutputPath = packedOut, Crf = 0 }, null, CancellationToken.None);
        var viaPlanes = await new VideoUpscaler(_ => new NearestUpscaler(2)).UpscaleAsync(
            new UpscaleRequest { InputPath = input, OutputPath = planarOut, Crf = 0 }, null, CancellationToken.None);

        Assert.Equal(0, packed.PlanarCalls);
        Assert.Equal(10, packed.PackedCalls); // held frames are detected on the bytes too
        Assert.Equal((20, 10), (viaBytes.Frames, viaBytes.HeldFrames));
        Assert.Equal((viaPlanes.Frames, viaPlanes.HeldFrames), (viaBytes.Frames, viaBytes.HeldFrames));
        Assert.Equal(await FrameHashesAsync(planarOut), await FrameHashesAsync(packedOut));
    }

    [Fact]
    public async Task A_sixteen_bit_source_keeps_the_planar_path()
    {
        var input = await _clips.MakeAsync("deep.mkv",
            "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10", "-t", "0.5", "-pix_fmt", "yuv420p10le", "-c:v", "libx265", "-x265-params", "log-level=none");
        var packed = new PackedNearest(1);

        var result = await new VideoUpscaler(_ => packed).UpscaleAsync(
            new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor("deep-out.mkv") }, null, CancellationToken.None);

        Assert.Equal(5, result.Frames);
        Assert.Equal(0, packed.PackedCalls);
        Assert.Equal(5, packed.PlanarCalls);
    }

    [Fact]
    public void Packed_and_planar_frames_get_the_same_held_decision()
    {
        var rng = new Random(7);
        var a = new byte[64 * 48 * 3];
        rng.NextBytes(a);
        var faint = (byte[])a.Clone();
        var blink = (byte[])a.Clone();
        for (var i = 0; i < faint.Length; i += 97)
        {
            faint[i] = (byte)Math.Min(255, faint[i] + 1);
        }

        for (var y = 20; y < 23; y++)
        {
            for (var x = 30; x < 33; x++)
            {
                blink[(((y * 64) + x) * 3) + 1] = (byte)(blink[(((y * 64) + x) * 3) + 1] ^ 0x80);
            }
        }

        foreach (var b in new[] { a, faint, blink })
        {
            Assert.Equal(
                HeldFrameDetector.Matches(Planar(a), Planar(b), 50),
                HeldFrameDetector.Matches(a, b, 64, 48, 50));
        }

        Assert.True(HeldFrameDetector.Matches(a, faint, 64, 48, 50));
        Assert.False(HeldFrameDetector.Matches(a, blink, 64, 48, 50));

        static PlanarImage Planar(byte[] packed)
        {
            var image = new PlanarImage(64, 48);
            for (var i = 0; i < 64 * 48; i++)
            {
                for (var c = 0; c < 3; c++)
                {
                    image.Data[(c * 64 * 48) + i] = packed[(3 * i) + c] / 255f;
                }
            }

            return image;
        }
    }

    private static async Task<string[]> FrameHashesAsync(string path)
    {
        var result = await ProcessRunner.RunAsync("ffmpeg", ["-v", "error", "-i", path, "-map", "0:v", "-f", "framemd5", "-"], CancellationToken.None);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).Select(l => l.Split(',')[^1].Trim()).ToArray();
    }

    /// Nearest x2 on packed RGB bytes, counting which entry the pipeline used.
    private sealed class PackedNearest(int framesInFlight) : IPackedFrameUpscaler, IConcurrentFrameUpscaler
    {
        private readonly NearestUpscaler _planar = new(2);
        private int _packedCalls;
        private int _planarCalls;

        public int PackedCalls => _packedCalls;

        public int PlanarCalls => _planarCalls;

        public string Name => "packed-nearest";

        public int Scale => 2;

        public int FramesInFlight => framesInFlight;

        public void UpscalePacked(ReadOnlySpan<byte> input, int width, int height, Span<byte> output, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _packedCalls);
            var outWidth = width * 2;
            for (var y = 0; y < height * 2; y++)
            {
                for (var x = 0; x < outWidth; x++)
                {
                    input.Slice((((y / 2) * width) + (x / 2)) * 3, 3).CopyTo(output.Slice(((y * outWidth) + x) * 3, 3));
                }
            }
        }

        public PlanarImage Upscale(PlanarImage input, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _planarCalls);
            return _planar.Upscale(input, cancellationToken);
        }

        public PlanarImage UpscaleOnCallingThread(PlanarImage input, CancellationToken cancellationToken) => Upscale(input, cancellationToken);

        public void Dispose() => _planar.Dispose();
    }
}
