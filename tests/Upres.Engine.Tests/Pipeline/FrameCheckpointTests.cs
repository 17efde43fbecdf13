using System.Collections.Concurrent;
using Upres.Engine.Imaging;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Tests.Pipeline;

/// A progress sink that is also an IFrameCheckpoints hears of every frame before its upscale
/// begins (and the upscale waits for it), then once of the end, after the last frame.
public sealed class FrameCheckpointTests : IDisposable
{
    private readonly TestClips _clips = new();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Every_frame_is_announced_and_awaited_before_its_upscale_and_the_end_after_the_last(int framesInFlight)
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.8);
        var log = new ConcurrentQueue<string>();
        var sink = new SlowSink(log);
        var request = new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor($"out-{framesInFlight}.mkv"), HeldFrames = HeldFramePolicy.Off };

        var result = await new VideoUpscaler(_ => new LoggingUpscaler(log, sink, framesInFlight)).UpscaleAsync(request, sink, CancellationToken.None);

        Assert.Equal(20, result.Frames);
        var entries = log.ToList();
        Assert.Equal([.. Enumerable.Range(0, 20).Select(i => $"before {i}")], entries.Where(e => e.StartsWith("before", StringComparison.Ordinal)));
        Assert.Equal("after", entries[^1]);
        Assert.Single(entries, "after");
        // Each upscale saw at least as many finished announcements as upscales begun, itself included.
        var upscales = entries.Where(e => e.StartsWith("upscale", StringComparison.Ordinal)).Select(e => int.Parse(e.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(20, upscales.Count);
        Assert.All(upscales.Select((announced, i) => (announced, i)), u => Assert.True(u.announced >= u.i + 1, $"upscale {u.i} began after only {u.announced} announcements"));
    }

    public void Dispose() => _clips.Dispose();

    /// Announcements that take a while, so an upscale that did not wait for one would be seen.
    private sealed class SlowSink(ConcurrentQueue<string> log) : IProgress<UpscaleProgress>, IFrameCheckpoints
    {
        private int _announced;

        public int Announced => Volatile.Read(ref _announced);

        public void Report(UpscaleProgress value)
        {
        }

        public async ValueTask BeforeFrameAsync(long index, CancellationToken cancellationToken)
        {
            await Task.Delay(5, cancellationToken);
            log.Enqueue($"before {index}");
            Interlocked.Increment(ref _announced);
        }

        public ValueTask AfterLastFrameAsync(CancellationToken cancellationToken)
        {
            log.Enqueue("after");
            return ValueTask.CompletedTask;
        }
    }

    private sealed class LoggingUpscaler(ConcurrentQueue<string> log, SlowSink sink, int framesInFlight) : IConcurrentFrameUpscaler
    {
        private readonly NearestUpscaler _inner = new(2);

        public string Name => "logging-nearest";

        public int Scale => 2;

        public int FramesInFlight => framesInFlight;

        public PlanarImage Upscale(PlanarImage input, CancellationToken cancellationToken) => UpscaleOnCallingThread(input, cancellationToken);

        public PlanarImage UpscaleOnCallingThread(PlanarImage input, CancellationToken cancellationToken)
        {
            log.Enqueue($"upscale {sink.Announced}");
            return _inner.Upscale(input, cancellationToken);
        }

        public void Dispose()
        {
        }
    }
}
