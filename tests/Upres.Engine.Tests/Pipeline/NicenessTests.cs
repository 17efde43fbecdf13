using System.Collections.Concurrent;
using System.Globalization;
using Upres.Engine.Imaging;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Tests.Pipeline;

/// A run's compute sits below its caller in the Linux scheduler: each frame's thread and the ffmpeg
/// children run VideoUpscalerOptions.Niceness steps nicer than the caller (read back from /proc),
/// while the caller's threads (a server's request threads) keep theirs. (Linux only, as Upres is.)
public sealed class NicenessTests : IDisposable
{
    private readonly TestClips _clips = new();

    [Theory]
    [InlineData(2)] // frames side by side, each on its own thread
    [InlineData(1)] // one frame at a time
    public async Task Frames_and_ffmpeg_children_run_nicer_than_the_caller(int framesInFlight)
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.4);
        var caller = Niceness.OfThread(Environment.ProcessId, Niceness.CurrentThreadId);
        var lowered = Math.Min(19, caller + 5);
        var model = new RecordingUpscaler(framesInFlight, _clips.Directory);

        await new VideoUpscaler(_ => model, options: new VideoUpscalerOptions { Niceness = 5 })
            .UpscaleAsync(new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor("out.mkv") }, null, CancellationToken.None);

        Assert.Equal(10, model.Frames.Count);
        Assert.All(model.Frames, n => Assert.Equal(lowered, n));
        // The decoder and the encoder, every thread of each, seen while frames ran.
        Assert.True(model.Children.Keys.Select(k => k.Pid).Distinct().Count() >= 2, $"saw {model.Children.Count} child threads");
        Assert.All(model.Children.Values, n => Assert.Equal(lowered, n));
        Assert.Equal(caller, Niceness.OfThread(Environment.ProcessId, Niceness.CurrentThreadId));
        Assert.Equal(caller, await Task.Run(() => Niceness.OfThread(Environment.ProcessId, Niceness.CurrentThreadId)));
    }

    [Fact]
    public async Task Without_niceness_frames_run_at_the_callers()
    {
        var input = await _clips.ColourBarsAsync(seconds: 0.4);
        var caller = Niceness.OfThread(Environment.ProcessId, Niceness.CurrentThreadId);
        var model = new RecordingUpscaler(2, _clips.Directory);

        await new VideoUpscaler(_ => model).UpscaleAsync(new UpscaleRequest { InputPath = input, OutputPath = _clips.PathFor("out.mkv") }, null, CancellationToken.None);

        Assert.All(model.Frames, n => Assert.Equal(caller, n));
        Assert.All(model.Children.Values, n => Assert.Equal(caller, n));
    }

    [Fact]
    public void An_onnx_runtime_session_opened_with_niceness_starts_its_threads_lowered()
    {
        // +7: other tests lower their frame threads by 5 at the same time.
        var lowered = Math.Min(19, Niceness.OfThread(Environment.ProcessId, Environment.ProcessId) + 7);
        var before = Threads().Keys.ToHashSet();
        var b = new Upres.Engine.Models.Onnx.OnnxGraphBuilder("niceness");
        var x = b.AddInput("x", -1, 3, -1, -1);
        b.AddNode("Conv", [x, b.AddInitializer("w", new float[27], 1, 3, 3, 3)], ["y"], new Upres.Engine.Models.Onnx.OnnxAttribute.Ints("pads", [1, 1, 1, 1]));
        b.AddOutput("y", -1, 1, -1, -1);

        using var session = Upres.Engine.Inference.OnnxSession.Create(b.ToModelBytes(), new Upres.Engine.Inference.InferenceOptions { IntraOpThreads = 3, Niceness = 7 });

        // ORT's pool: one thread fewer than IntraOpThreads (the caller of a run is the other).
        var started = Threads().Where(t => !before.Contains(t.Key) && t.Value == lowered).ToList();
        Assert.True(started.Count >= 2, $"{started.Count} new threads at niceness {lowered}");
        Assert.NotEqual(lowered, Niceness.OfThread(Environment.ProcessId, Niceness.CurrentThreadId));
    }

    private static Dictionary<int, int> Threads()
    {
        var threads = new Dictionary<int, int>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{Environment.ProcessId}/task"))
        {
            try
            {
                var tid = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
                threads[tid] = Niceness.OfThread(Environment.ProcessId, tid);
            }
            catch (IOException)
            {
                // The thread ended while being read.
            }
        }

        return threads;
    }

    public void Dispose() => _clips.Dispose();

    /// Nearest x2 that notes, for every frame, its own thread's niceness and that of every thread of
    /// the ffmpeg children working on this test's folder (other tests run ffmpeg at the same time).
    private sealed class RecordingUpscaler(int framesInFlight, string folder) : IConcurrentFrameUpscaler
    {
        private readonly NearestUpscaler _inner = new(2);

        public ConcurrentBag<int> Frames { get; } = [];

        public ConcurrentDictionary<(int Pid, int Tid), int> Children { get; } = new();

        public string Name => "recording-nearest";

        public int Scale => 2;

        public int FramesInFlight => framesInFlight;

        public PlanarImage Upscale(PlanarImage input, CancellationToken cancellationToken) => UpscaleOnCallingThread(input, cancellationToken);

        public PlanarImage UpscaleOnCallingThread(PlanarImage input, CancellationToken cancellationToken)
        {
            Frames.Add(Niceness.OfThread(Environment.ProcessId, Niceness.CurrentThreadId));
            foreach (var pid in OurChildren())
            {
                try
                {
                    foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                    {
                        var tid = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
                        Children[(pid, tid)] = Niceness.OfThread(pid, tid);
                    }
                }
                catch (IOException)
                {
                    // It exited meanwhile.
                }
            }

            return _inner.Upscale(input, cancellationToken);
        }

        private IEnumerable<int> OurChildren()
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    continue;
                }

                string stat, cmdline;
                try
                {
                    stat = File.ReadAllText($"/proc/{pid}/stat");
                    cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
                }
                catch (IOException)
                {
                    continue;
                }

                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (parent == Environment.ProcessId && cmdline.Contains(folder, StringComparison.Ordinal))
                {
                    yield return pid;
                }
            }
        }

        public void Dispose() => _inner.Dispose();
    }
}
