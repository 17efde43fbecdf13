using Upres.Engine.Imaging;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Tests.Pipeline;

/// The pipeline keeps several frames in flight when the upscaler can run them side by side.
public sealed class ConcurrentInferenceTests : IDisposable
{
    private readonly TestClips _clips = new();

    [Fact]
    public async Task Frames_finishing_out_of_order_are_encoded_in_order()
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.8);
        var sequential = _clips.PathFor("sequential.mkv");
        var concurrent = _clips.PathFor("concurrent.mkv");
        var model = new ShufflingUpscaler(framesInFlight: 3);

        await new VideoUpscaler(_ => new NearestUpscaler(2)).UpscaleAsync(new UpscaleRequest { InputPath = input, OutputPath = sequential }, null, CancellationToken.None);
        var result = await new VideoUpscaler(_ => model).UpscaleAsync(new UpscaleRequest { InputPath = input, OutputPath = concurrent }, null, CancellationToken.None);

        Assert.Equal(20, result.Frames);
        Assert.InRange(model.MostAtOnce, 2, 3); // side by side, never more than it asked for
        Assert.True(model.FinishedOutOfOrder, "the test upscaler should have finished some frames before earlier ones");
        Assert.Equal(await FrameHashesAsync(sequential), await FrameHashesAsync(concurrent));
    }

    [Fact]
    public async Task A_failing_frame_stops_the_others_before_the_upscaler_is_disposed()
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.8);
        var output = _clips.PathFor("failed.mkv");
        var model = new ShufflingUpscaler(framesInFlight: 2, failAt: 5);

        var e = await Assert.ThrowsAsync<UpscaleException>(() =>
            new VideoUpscaler(_ => model).UpscaleAsync(new UpscaleRequest { InputPath = input, OutputPath = output }, null, CancellationToken.None));

        Assert.Equal("upscaler_failed", e.Code);
        Assert.Contains("frame 5", e.Message, StringComparison.Ordinal);
        Assert.True(model.Disposed);
        Assert.Equal(0, model.RunningAtDispose);
        Assert.False(File.Exists(output));
    }

    private static async Task<string[]> FrameHashesAsync(string path)
    {
        var result = await ProcessRunner.RunAsync("ffmpeg", ["-v", "error", "-i", path, "-map", "0:v", "-f", "framemd5", "-"], CancellationToken.None);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).Select(l => l.Split(',')[^1].Trim()).ToArray();
    }

    public void Dispose() => _clips.Dispose();

    /// Nearest x2 where every third frame is slow, so later frames finish first.
    private sealed class ShufflingUpscaler(int framesInFlight, int failAt = -1) : IConcurrentFrameUpscaler
    {
        private readonly NearestUpscaler _inner = new(2);
        private int _started;
        private int _running;
        private int _lastFinished = -1;

        public int MostAtOnce { get; private set; }

        public bool FinishedOutOfOrder { get; private set; }

        public bool Disposed { get; private set; }

        public int RunningAtDispose { get; private set; } = -1;

        public string Name => "shuffling-nearest";

        public int Scale => 2;

        public int FramesInFlight => framesInFlight;

        public PlanarImage Upscale(PlanarImage input, CancellationToken cancellationToken) => throw new InvalidOperationException("the pipeline should run frames side by side");

        public PlanarImage UpscaleOnCallingThread(PlanarImage input, CancellationToken cancellationToken)
        {
            var index = Interlocked.Increment(ref _started) - 1;
            var running = Interlocked.Increment(ref _running);
            lock (_inner)
            {
                MostAtOnce = Math.Max(MostAtOnce, running);
            }

            try
            {
                if (index == failAt)
                {
                    throw new InvalidOperationException("model exploded");
                }

                // Frames after a failure wait to be cancelled, as a long frame would.
                cancellationToken.WaitHandle.WaitOne(index % 3 == 0 ? 150 : failAt >= 0 && index > failAt ? 5000 : 0);
                cancellationToken.ThrowIfCancellationRequested();
                var output = _inner.Upscale(input, cancellationToken);
                lock (_inner)
                {
                    FinishedOutOfOrder |= index < _lastFinished;
                    _lastFinished = Math.Max(_lastFinished, index);
                }

                return output;
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        public void Dispose()
        {
            RunningAtDispose = Volatile.Read(ref _running);
            Disposed = true;
        }
    }
}
