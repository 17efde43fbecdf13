using Upres.Engine.Imaging;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Tests.Pipeline;

/// A decoded frame that repeats the last one the model ran on reuses its output.
public sealed class HeldFrameTests : IDisposable
{
    private readonly TestClips _clips = new();

    // testsrc2 at 10 fps doubled to 20 fps, losslessly: every second frame repeats exactly.
    private Task<string> DoubledAsync() => _clips.MakeAsync("doubled.mkv",
        "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10", "-t", "1", "-vf", "fps=20", "-c:v", "libx264", "-qp", "0", "-preset", "ultrafast");

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task A_clip_with_repeated_frames_reuses_them(int framesInFlight)
    {
        var input = await DoubledAsync();
        var model = new CountingUpscaler(framesInFlight);

        var result = await new VideoUpscaler(_ => model).UpscaleAsync(
            new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor($"held{framesInFlight}.mkv") }, null, CancellationToken.None);

        Assert.Equal(20, result.Frames);
        Assert.Equal(10, result.HeldFrames);
        Assert.Equal(10, model.Calls);
    }

    [Fact]
    public async Task A_clip_without_holds_reuses_none()
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.8);
        var model = new CountingUpscaler(2);

        var result = await new VideoUpscaler(_ => model).UpscaleAsync(
            new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor("moving.mkv") }, null, CancellationToken.None);

        Assert.Equal(20, result.Frames);
        Assert.Equal(0, result.HeldFrames);
        Assert.Equal(20, model.Calls);
    }

    [Fact]
    public async Task Reused_output_equals_the_model_run_on_every_frame()
    {
        var input = await DoubledAsync();
        var on = _clips.PathFor("on.mkv");
        var off = _clips.PathFor("off.mkv");
        var offModel = new CountingUpscaler(2);

        var held = await new VideoUpscaler(_ => new CountingUpscaler(2)).UpscaleAsync(
            new UpscaleRequest { InputPath = input, OutputPath = on, Crf = 0 }, null, CancellationToken.None);
        var all = await new VideoUpscaler(_ => offModel).UpscaleAsync(
            new UpscaleRequest { InputPath = input, OutputPath = off, Crf = 0, HeldFrames = HeldFramePolicy.Off }, null, CancellationToken.None);

        Assert.Equal((20, 10), (held.Frames, held.HeldFrames));
        Assert.Equal((20, 0, 20), (all.Frames, all.HeldFrames, offModel.Calls));
        var hashes = await FrameHashesAsync(on);
        Assert.Equal(await FrameHashesAsync(off), hashes);
        Assert.Equal(10, hashes.Distinct().Count()); // the output holds each drawing for two frames
    }

    [Fact]
    public async Task The_engine_options_turn_holds_off_for_requests_that_do_not_say()
    {
        var input = await DoubledAsync();
        var model = new CountingUpscaler(1);
        var options = new VideoUpscalerOptions { HeldFrames = HeldFramePolicy.Off };

        var result = await new VideoUpscaler(_ => model, options: options).UpscaleAsync(
            new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor("off.mkv") }, null, CancellationToken.None);

        Assert.Equal((0, 20), (result.HeldFrames, model.Calls));
    }

    [Fact]
    public void Noise_under_the_threshold_holds_and_over_it_does_not()
    {
        var a = Noise(seed: 1, 128, 96, 0.5f);
        var faint = Add(a, Noise(seed: 2, 128, 96, 0.002f)); // about 59 dB
        var plain = Add(a, Noise(seed: 3, 128, 96, 0.02f)); // about 39 dB

        Assert.InRange(ImageMetrics.Psnr(a, faint), 55, 65);
        Assert.True(HeldFrameDetector.Matches(a, faint, 50));
        Assert.False(HeldFrameDetector.Matches(a, faint, 70));
        Assert.False(HeldFrameDetector.Matches(a, plain, 50));
        Assert.True(HeldFrameDetector.Matches(a, a, 50));
    }

    [Fact]
    public void A_small_local_change_is_never_held_even_when_the_frame_as_a_whole_barely_changed()
    {
        var a = Noise(seed: 4, 640, 480, 0.5f);
        var b = new PlanarImage(640, 480);
        a.Data.CopyTo(b.Data, 0);
        for (var y = 200; y < 203; y++)
        {
            for (var x = 300; x < 303; x++)
            {
                b.Data[(y * 640) + x] += 0.3f; // a 3x3 blink in one channel
            }
        }

        Assert.True(ImageMetrics.Psnr(a, b) > 60);
        Assert.False(HeldFrameDetector.Matches(a, b, 50));
    }

    [Fact]
    public void A_slow_fade_moves_the_reference_instead_of_freezing()
    {
        var detector = new HeldFrameDetector(HeldFramePolicy.Default);
        var baseFrame = Noise(seed: 5, 64, 64, 0.5f);
        var held = new List<bool>();
        for (var i = 0; i < 12; i++)
        {
            // Each step 0.002 brighter (54 dB from the one before), so steps hold until the drift
            // from the last frame run reaches the threshold.
            var frame = new PlanarImage(64, 64);
            for (var k = 0; k < frame.Data.Length; k++)
            {
                frame.Data[k] = baseFrame.Data[k] + (0.002f * i);
            }

            held.Add(detector.IsHeld(frame));
        }

        Assert.False(held[0]);
        Assert.Contains(true, held);
        Assert.True(held.Count(h => !h) >= 4, string.Join(",", held)); // the model ran again every few frames
        Assert.Equal(held.Count(h => h), detector.Held);
    }

    private static PlanarImage Noise(int seed, int width, int height, float amplitude)
    {
        var image = new PlanarImage(width, height);
        var rng = new Random(seed);
        for (var i = 0; i < image.Data.Length; i++)
        {
            image.Data[i] = (float)(amplitude * rng.NextDouble());
        }

        return image;
    }

    private static PlanarImage Add(PlanarImage a, PlanarImage b)
    {
        var sum = new PlanarImage(a.Width, a.Height);
        for (var i = 0; i < sum.Data.Length; i++)
        {
            sum.Data[i] = a.Data[i] + b.Data[i];
        }

        return sum;
    }

    private static async Task<string[]> FrameHashesAsync(string path)
    {
        var result = await ProcessRunner.RunAsync("ffmpeg", ["-v", "error", "-i", path, "-map", "0:v", "-f", "framemd5", "-"], CancellationToken.None);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).Select(l => l.Split(',')[^1].Trim()).ToArray();
    }

    public void Dispose() => _clips.Dispose();

    /// Nearest x2 that counts the frames it was given.
    private sealed class CountingUpscaler(int framesInFlight) : IConcurrentFrameUpscaler
    {
        private readonly NearestUpscaler _inner = new(2);
        private int _calls;

        public int Calls => _calls;

        public string Name => "counting-nearest";

        public int Scale => 2;

        public int FramesInFlight => framesInFlight;

        public PlanarImage Upscale(PlanarImage input, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return _inner.Upscale(input, cancellationToken);
        }

        public PlanarImage UpscaleOnCallingThread(PlanarImage input, CancellationToken cancellationToken) => Upscale(input, cancellationToken);

        public void Dispose() => _inner.Dispose();
    }
}
