using System.Diagnostics;
using Upres.Engine.Inference;
using Upres.Engine.Models.Onnx;

namespace Upres.Engine.Tests.Inference;

public class OnnxSessionTests
{
    private static readonly InferenceOptions TwoThreads = new() { IntraOpThreads = 2 };

    [Fact]
    public void The_runtime_reports_its_version_and_the_CPU_provider()
    {
        var runtime = OrtRuntime.Shared;

        Assert.StartsWith("1.", runtime.Version, StringComparison.Ordinal);
        Assert.Contains("CPUExecutionProvider", runtime.AvailableProviders);
        Assert.True(runtime.Supports(ExecutionProvider.Cpu));
    }

    [Fact]
    public void A_conv_with_known_weights_gives_exact_numbers()
    {
        var b = new OnnxGraphBuilder("conv");
        var x = b.AddInput("x", 1, 1, 3, 3);
        var w = b.AddInitializer("w", [1f, 2f, 3f, 4f], 1, 1, 2, 2);
        var bias = b.AddInitializer("b", [0.5f], 1);
        b.AddNode("Conv", [x, w, bias], ["y"], new OnnxAttribute.Ints("kernel_shape", [2, 2]));
        b.AddOutput("y", 1, 1, 2, 2);
        using var session = OnnxSession.Create(b.ToModelBytes(), TwoThreads);

        // 1 2 3 / 4 5 6 / 7 8 9 under [[1 2] [3 4]] + 0.5
        var y = session.Run([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f], [1, 1, 3, 3], out var shape, CancellationToken.None);

        Assert.Equal([1L, 1, 2, 2], shape);
        Assert.Equal([37.5f, 47.5f, 67.5f, 77.5f], y);
        Assert.Equal(["x"], session.InputNames);
        Assert.Equal(["y"], session.OutputNames);
    }

    [Fact]
    public void Add_with_a_broadcast_initializer_and_dynamic_dims()
    {
        var b = new OnnxGraphBuilder("add");
        var x = b.AddInput("x", 1, 2, -1, -1);
        var c = b.AddInitializer("c", [10f, 20f], 1, 2, 1, 1);
        b.AddNode("Add", [x, c], ["y"]);
        b.AddOutput("y", 1, 2, -1, -1);
        using var session = OnnxSession.Create(b.ToModelBytes(), TwoThreads);

        var y = session.Run([1f, 2f, 3f, 4f], [1, 2, 1, 2], out var shape, CancellationToken.None);

        Assert.Equal([1L, 2, 1, 2], shape);
        Assert.Equal([11f, 12f, 23f, 24f], y);
    }

    [Fact]
    public void DepthToSpace_in_CRD_mode_takes_consecutive_channels_per_output_channel()
    {
        var b = new OnnxGraphBuilder("d2s");
        var x = b.AddInput("x", 1, 8, 1, 1);
        b.AddNode("DepthToSpace", [x], ["y"], new OnnxAttribute.Int("blocksize", 2), new OnnxAttribute.String("mode", "CRD"));
        b.AddOutput("y", 1, 2, 2, 2);
        using var session = OnnxSession.Create(b.ToModelBytes(), TwoThreads);

        var y = session.Run([0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f], [1, 8, 1, 1], out var shape, CancellationToken.None);

        Assert.Equal([1L, 2, 2, 2], shape);
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f], y);
    }

    [Fact]
    public void A_model_loaded_from_a_file_runs_into_a_caller_buffer()
    {
        var path = Path.Combine(Path.GetTempPath(), $"upres-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, Scale2Model());
            using var session = OnnxSession.Create(path, TwoThreads);
            var output = new float[16];

            session.Run([1f, 2f, 3f, 4f], [1, 1, 2, 2], output, [1, 1, 4, 4], CancellationToken.None);

            Assert.Equal([1f, 1f, 2f, 2f, 1f, 1f, 2f, 2f, 3f, 3f, 4f, 4f, 3f, 3f, 4f, 4f], output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_caller_buffer_of_the_wrong_shape_gives_an_OrtException()
    {
        using var session = OnnxSession.Create(Scale2Model(), TwoThreads);
        var output = new float[16];

        var e = Assert.Throws<OrtException>(() => session.Run([1f, 2f, 3f, 4f], [1, 1, 2, 2], output, [1, 1, 2, 8], CancellationToken.None));

        Assert.Contains("shape", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Malformed_bytes_give_an_OrtException_with_a_readable_message()
    {
        var e = Assert.Throws<OrtException>(() => OnnxSession.Create("not a model at all"u8, TwoThreads));

        Assert.Equal(OrtErrorCode.InvalidProtobuf, e.Code);
        Assert.False(string.IsNullOrWhiteSpace(e.RuntimeMessage));
    }

    [Fact]
    public void An_unknown_operator_is_named_in_the_error()
    {
        var b = new OnnxGraphBuilder("bad");
        var x = b.AddInput("x", 1, 1, 2, 2);
        b.AddNode("NoSuchOperator", [x], ["y"]);
        b.AddOutput("y", 1, 1, 2, 2);

        var e = Assert.Throws<OrtException>(() => OnnxSession.Create(b.ToModelBytes(), TwoThreads));

        Assert.Contains("NoSuchOperator", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_model_file_is_reported_by_path()
    {
        var e = Assert.Throws<FileNotFoundException>(() => OnnxSession.Create("/nonexistent/model.onnx", TwoThreads));
        Assert.Contains("/nonexistent/model.onnx", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Session_config_entries_and_fixed_dims_are_accepted()
    {
        var options = TwoThreads with
        {
            GraphOptimization = GraphOptimization.Basic,
            ConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
            FixedDimensions = new Dictionary<string, long> { ["d2"] = 2, ["d3"] = 2 },
        };
        var b = new OnnxGraphBuilder("relu");
        var x = b.AddInput("x", 1, 1, -1, -1);
        b.AddNode("Relu", [x], ["y"]);
        b.AddOutput("y", 1, 1, -1, -1);
        using var session = OnnxSession.Create(b.ToModelBytes(), options);

        Assert.Equal([0f, 2f, 0f, 4f], session.Run([-1f, 2f, -3f, 4f], [1, 1, 2, 2], out _, CancellationToken.None));
    }

    [Fact]
    public void A_fixed_dimension_is_enforced_on_the_input()
    {
        var options = TwoThreads with { FixedDimensions = new Dictionary<string, long> { ["d2"] = 2, ["d3"] = 2 } };
        using var session = OnnxSession.Create(Scale2Model(), options);

        Assert.Equal(16, session.Run([1f, 2f, 3f, 4f], [1, 1, 2, 2], out _, CancellationToken.None).Length);
        Assert.Throws<OrtException>(() => session.Run(new float[6], [1, 1, 3, 2], out _, CancellationToken.None));
    }

    [Fact]
    public void A_session_config_entry_reaches_the_runtime()
    {
        // Told to expect the ORT flatbuffer format, the runtime must refuse an ONNX protobuf.
        var options = TwoThreads with { ConfigEntries = new Dictionary<string, string> { ["session.load_model_format"] = "ORT" } };

        Assert.Throws<OrtException>(() => OnnxSession.Create(Scale2Model(), options));
    }

    [Fact]
    public void Profiling_writes_a_trace_naming_each_node()
    {
        var prefix = Path.Combine(Path.GetTempPath(), $"upres-profile-{Guid.NewGuid():N}");
        using var session = OnnxSession.Create(Scale2Model(), TwoThreads with { ProfileFilePrefix = prefix });
        session.Run([1f, 2f, 3f, 4f], [1, 1, 2, 2], out _, CancellationToken.None);

        var trace = session.EndProfiling();
        try
        {
            Assert.StartsWith(prefix, trace, StringComparison.Ordinal);
            Assert.Contains("Resize", File.ReadAllText(trace), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(trace);
        }
    }

    [Fact]
    public void WebGpu_either_runs_or_says_why_not()
    {
        try
        {
            using var session = OnnxSession.Create(Scale2Model(), TwoThreads with { ExecutionProvider = ExecutionProvider.WebGpu });
            Assert.Equal(16, session.Run([1f, 2f, 3f, 4f], [1, 1, 2, 2], out _, CancellationToken.None).Length);
        }
        catch (OrtException e)
        {
            Assert.Contains("WebGPU", e.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void The_official_binding_runs_the_library_named_by_the_runtime_and_no_other()
    {
        var runtime = OrtRuntime.Shared;
        using var session = OnnxSession.Create(Scale2Model(), TwoThreads);
        session.Run([1f, 2f, 3f, 4f], [1, 1, 2, 2], out _, CancellationToken.None);

        var mapped = File.ReadAllLines("/proc/self/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 6 && f[5].Contains("libonnxruntime", StringComparison.Ordinal))
            .Select(f => f[5].Trim())
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.Equal([Path.GetFullPath(runtime.LibraryPath)], mapped);
        Assert.Equal(OrtRuntime.BindingVersion, runtime.Version);
    }

    [Fact]
    public void Asking_for_CUDA_where_the_runtime_lacks_its_provider_library_gives_an_OrtException()
    {
        if (OrtRuntime.Shared.Supports(ExecutionProvider.Cuda) && File.Exists("/dev/nvidia0"))
        {
            return; // a real GPU machine: nothing to assert about failure here
        }

        var e = Assert.ThrowsAny<OrtException>(() => OnnxSession.Create(Scale2Model(), TwoThreads with { ExecutionProvider = ExecutionProvider.Cuda }));
        Assert.False(string.IsNullOrWhiteSpace(e.RuntimeMessage));
    }

    [Fact]
    public void A_disposed_session_refuses_to_run_and_disposing_twice_is_harmless()
    {
        var session = OnnxSession.Create(Scale2Model(), TwoThreads);
        session.Dispose();
        session.Dispose();

        Assert.Throws<ObjectDisposedException>(() => session.Run([1f, 2f, 3f, 4f], [1, 1, 2, 2], out _, CancellationToken.None));
    }

    [Fact]
    public void An_already_cancelled_token_stops_before_running()
    {
        using var session = OnnxSession.Create(Scale2Model(), TwoThreads);
        Assert.Throws<OperationCanceledException>(() => session.Run([1f, 2f, 3f, 4f], [1, 1, 2, 2], out _, new CancellationToken(canceled: true)));
    }

    [Fact]
    public void Cancelling_a_long_run_terminates_it_promptly()
    {
        // 200 convolutions of 16 channels over 1024x1024: 10+ s of work on 2 cores (one layer is
        // 40-130 ms), so it cannot finish before the cancel; ORT checks the flag between nodes.
        const int Channels = 16, Edge = 1024, Layers = 200;
        var b = new OnnxGraphBuilder("long");
        var current = b.AddInput("x", 1, Channels, Edge, Edge);
        var weights = new float[Channels * Channels * 9];
        var random = new Random(1);
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(random.NextDouble() - 0.5) * 0.1f;
        }

        var w = b.AddInitializer("w", weights, Channels, Channels, 3, 3);
        for (var layer = 0; layer < Layers; layer++)
        {
            current = b.AddNode("Conv", [current, w], [$"c{layer}"], new OnnxAttribute.Ints("pads", [1, 1, 1, 1]));
        }

        b.AddOutput(current, 1, Channels, Edge, Edge);
        using var session = OnnxSession.Create(b.ToModelBytes(), TwoThreads);
        var input = new float[Channels * Edge * Edge];
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var clock = Stopwatch.StartNew();
        var e = Assert.ThrowsAny<OperationCanceledException>(() => session.Run(input, [1, Channels, Edge, Edge], out _, cts.Token));
        clock.Stop();

        Assert.IsType<OrtException>(e.InnerException);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed.TotalMilliseconds:F0} ms to stop");
    }

    /// Nearest-neighbour x2 through Resize: a small model with a known output.
    internal static byte[] Scale2Model()
    {
        var b = new OnnxGraphBuilder("nearest2");
        var x = b.AddInput("x", 1, 1, -1, -1);
        var scales = b.AddInitializer("scales", [1f, 1f, 2f, 2f], 4);
        b.AddNode("Resize", [x, "", scales], ["y"], new OnnxAttribute.String("mode", "nearest"));
        b.AddOutput("y", 1, 1, -1, -1);
        return b.ToModelBytes();
    }
}
