using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Upres.Engine.Imaging;
using Upres.Engine.Pipeline;

namespace Upres.Engine.Inference.Gpu;

/// Runs a model converted with PackedBytes (uint8 [1,H,W,3] in and out, the float conversion and
/// normally fp16 weights and activations inside the graph) on a GPU provider. Frames travel as
/// bytes; everything between the two copies stays on the device. Each window shape gets one
/// session with its dimensions fixed (ORT folds the shape arithmetic into constants, so every node
/// can run on the GPU) and a pool of host buffers, one per frame in flight. The tile size comes
/// from the GPU's free memory (whole frames when they fit) and halves when a run runs out of memory.
public sealed class GpuFrameUpscaler : IConcurrentFrameUpscaler, IPackedFrameUpscaler
{
    private const string NoFallback = "session.disable_cpu_ep_fallback";

    private readonly byte[] _model;
    private readonly OrtRuntime _runtime;
    private readonly Lock _gate = new();

    // ONNX Runtime's WebGPU provider records every run and copy into one command encoder per
    // device: two at once crash it ("CommandEncoder is already finished", then a segfault, seen on
    // an H200), so its frames take turns; CUDA's run side by side on their own streams.
    private readonly Lock? _serialRuns;
    private readonly Dictionary<(int Height, int Width), GpuWindow> _windows = [];
    private readonly Dictionary<(int Height, int Width), int> _tileFor = [];
    private bool _allowCpuFallback;
    private bool _disposed;

    private GpuFrameUpscaler(byte[] model, int scale, string name, GpuUpscalerOptions options, OrtRuntime runtime)
    {
        _model = model;
        _runtime = runtime;
        Scale = scale;
        Name = name;
        Options = options;
        _serialRuns = options.Provider == ExecutionProvider.WebGpu ? new Lock() : null;
    }

    public string Name { get; }

    public int Scale { get; }

    public GpuUpscalerOptions Options { get; }

    public int FramesInFlight => Options.FramesInFlight;

    /// Where the nodes run: null while every node runs on the provider; otherwise ORT's reason
    /// for putting some on the CPU.
    public string? CpuFallbackReason { get; private set; }

    /// The tile edge last used (0: whole frames).
    public int CurrentTileSize { get; private set; }

    /// Opens the model and runs it once on a small frame, so a provider that cannot start fails here
    /// with its own message rather than on the first frame of a video.
    public static GpuFrameUpscaler Create(byte[] packedModel, int scale, string name, GpuUpscalerOptions? options = null, OrtRuntime? runtime = null)
    {
        ArgumentNullException.ThrowIfNull(packedModel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        ArgumentException.ThrowIfNullOrEmpty(name);
        options ??= new GpuUpscalerOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.FramesInFlight, nameof(options));
        runtime ??= OrtRuntime.Shared;
        if (!runtime.Supports(options.Provider))
        {
            throw new UpscaleException(UpscaleErrorCodes.ProviderUnavailable,
                $"the {options.Provider} provider is not in this ONNX Runtime (it has: {string.Join(", ", runtime.AvailableProviders)})");
        }

        var upscaler = new GpuFrameUpscaler(packedModel, scale, name, options, runtime);
        try
        {
            const int Edge = 16;
            upscaler.UpscalePacked(new byte[Edge * Edge * 3], Edge, Edge, new byte[Edge * Edge * 3 * scale * scale], CancellationToken.None);
            return upscaler;
        }
        catch
        {
            upscaler.Dispose();
            throw;
        }
    }

    public void UpscalePacked(ReadOnlySpan<byte> input, int width, int height, Span<byte> output, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (input.Length != checked(width * height * 3))
        {
            throw new ArgumentException($"a {width}x{height} frame is {width * height * 3} bytes, got {input.Length}", nameof(input));
        }

        if (output.Length != checked(width * height * 3 * Scale * Scale))
        {
            throw new ArgumentException($"the {width * Scale}x{height * Scale} output is {width * height * 3 * Scale * Scale} bytes, got {output.Length}", nameof(output));
        }

        while (true)
        {
            var tile = TileFor(width, height);
            try
            {
                RunTiles(input, width, height, output, tile, cancellationToken);
                return;
            }
            catch (OrtException e) when (IsOutOfMemory(e) && !cancellationToken.IsCancellationRequested)
            {
                Shrink(width, height, tile, e);
            }
        }
    }

    public PlanarImage Upscale(PlanarImage input, CancellationToken cancellationToken) => UpscaleOnCallingThread(input, cancellationToken);

    public PlanarImage UpscaleOnCallingThread(PlanarImage input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var packed = new byte[FrameConverter.FrameBytes(input.Width, input.Height, sixteenBit: false)];
        FrameConverter.ToPacked(input, packed, sixteenBit: false);
        var upscaled = new byte[packed.Length * Scale * Scale];
        UpscalePacked(packed, input.Width, input.Height, upscaled, cancellationToken);
        return FrameConverter.ToPlanar(upscaled, input.Width * Scale, input.Height * Scale, sixteenBit: false);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var window in _windows.Values)
            {
                window.Retire();
            }

            _windows.Clear();
        }
    }

    internal static bool IsOutOfMemory(OrtException e)
    {
        var text = e.RuntimeMessage;
        return text.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
            || text.Contains("OutOfMemory", StringComparison.OrdinalIgnoreCase)
            || text.Contains("Failed to allocate", StringComparison.OrdinalIgnoreCase)
            || text.Contains("ALLOC_FAILED", StringComparison.Ordinal)
            || text.Contains("cudaErrorMemoryAllocation", StringComparison.Ordinal);
    }

    private void RunTiles(ReadOnlySpan<byte> input, int width, int height, Span<byte> output, int tile, CancellationToken cancellationToken)
    {
        var columns = TileSpan.Split(width, tile, Options.Overlap, padded: false);
        var rows = TileSpan.Split(height, tile, Options.Overlap, padded: false);
        foreach (var row in rows)
        {
            foreach (var column in columns)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var window = Window(row.WindowLength, column.WindowLength);
                var slot = window.Rent();
                try
                {
                    var windowIn = slot.Input.GetTensorMutableDataAsSpan<byte>();
                    var rowBytes = column.WindowLength * 3;
                    for (var y = 0; y < row.WindowLength; y++)
                    {
                        input.Slice((((row.WindowStart + y) * width) + column.WindowStart) * 3, rowBytes).CopyTo(windowIn.Slice(y * rowBytes, rowBytes));
                    }

                    if (_serialRuns is { } serial)
                    {
                        lock (serial)
                        {
                            window.Run(slot, cancellationToken);
                        }
                    }
                    else
                    {
                        window.Run(slot, cancellationToken);
                    }

                    var windowOut = slot.Output.GetTensorDataAsSpan<byte>();
                    var outWidth = column.WindowLength * Scale;
                    var coreX = (column.CoreStart - column.WindowStart) * Scale;
                    var coreY = (row.CoreStart - row.WindowStart) * Scale;
                    var coreBytes = column.CoreLength * Scale * 3;
                    for (var y = 0; y < row.CoreLength * Scale; y++)
                    {
                        windowOut.Slice((((coreY + y) * outWidth) + coreX) * 3, coreBytes)
                            .CopyTo(output.Slice(((((row.CoreStart * Scale) + y) * width * Scale) + (column.CoreStart * Scale)) * 3, coreBytes));
                    }
                }
                finally
                {
                    window.Return(slot);
                }
            }
        }
    }

    private int TileFor(int width, int height)
    {
        lock (_gate)
        {
            if (_tileFor.TryGetValue((height, width), out var known))
            {
                return known;
            }

            var tile = Options.TileSize;
            if (tile <= 0)
            {
                var free = GpuMemory.FreeBytes(Options.DeviceId) ?? Options.FallbackMemoryBytes;
                // Half the free memory, shared by the frames in flight.
                var pixels = free / 2 / Options.FramesInFlight / Options.BytesPerInputPixel;
                tile = (long)width * height <= pixels
                    ? Math.Max(width, height)
                    : Math.Max(Options.MinimumTileSize, (int)Math.Sqrt(pixels) / 16 * 16);
            }

            _tileFor[(height, width)] = tile;
            CurrentTileSize = tile;
            return tile;
        }
    }

    private void Shrink(int width, int height, int failedTile, OrtException e)
    {
        lock (_gate)
        {
            var current = _tileFor.GetValueOrDefault((height, width), failedTile);
            if (current == failedTile)
            {
                var smaller = Math.Min(failedTile, Math.Max(width, height)) / 2 / 16 * 16;
                if (smaller < Options.MinimumTileSize)
                {
                    throw new UpscaleException(UpscaleErrorCodes.GpuOutOfMemory, string.Create(CultureInfo.InvariantCulture,
                        $"{Name} ran out of GPU memory even at {failedTile}-pixel tiles on {Options.Provider}: {e.RuntimeMessage}"), e);
                }

                _tileFor[(height, width)] = smaller;
                CurrentTileSize = smaller;
                // The larger windows' sessions hold the memory the smaller tiles need.
                foreach (var window in _windows.Values)
                {
                    window.Retire();
                }

                _windows.Clear();
            }
        }
    }

    private GpuWindow Window(int height, int width)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_windows.TryGetValue((height, width), out var window))
            {
                window = new GpuWindow(OpenSession(height, width), height, width, Scale, FramesInFlight);
                _windows[(height, width)] = window;
            }

            return window;
        }
    }

    private InferenceSession OpenSession(int height, int width)
    {
        var inference = new InferenceOptions
        {
            ExecutionProvider = Options.Provider,
            DeviceId = Options.DeviceId,
            ProviderOptions = Options.ProviderOptions,
            // The packed graph's input is [1, H, W, 3]: its symbolic dims are d1 and d2.
            FixedDimensions = new Dictionary<string, long> { ["d1"] = height, ["d2"] = width },
            ConfigEntries = Options.Provider == ExecutionProvider.Cpu || _allowCpuFallback
                ? new Dictionary<string, string>()
                : new Dictionary<string, string> { [NoFallback] = "1" },
        };

        try
        {
            return OrtSessions.Open(null, _model, inference, _runtime);
        }
        catch (OrtException e) when (inference.ConfigEntries.ContainsKey(NoFallback) && !IsProviderStartFailure(e))
        {
            // Some node has no kernel on the provider: run it on the CPU rather than not at all,
            // and say so (bench and doctor print it).
            _allowCpuFallback = true;
            CpuFallbackReason = e.RuntimeMessage;
            return OrtSessions.Open(null, _model, inference with { ConfigEntries = new Dictionary<string, string>() }, _runtime);
        }
    }

    // A provider that cannot start at all (no adapter, missing CUDA libraries) is not helped by a
    // CPU fallback: its error is the answer.
    private static bool IsProviderStartFailure(OrtException e) =>
        !e.RuntimeMessage.Contains("fallback", StringComparison.OrdinalIgnoreCase)
        && !e.RuntimeMessage.Contains("CPU", StringComparison.Ordinal);

    private sealed class GpuWindow(InferenceSession session, int height, int width, int scale, int framesInFlight)
    {
        private readonly ConcurrentBag<GpuSlot> _free = [];
        private readonly SessionGate _gate = new();
        private readonly string _input = session.InputNames[0];
        private readonly string _output = session.OutputNames[0];
        private int _slots;

        public InferenceSession Session { get; } = session;

        public GpuSlot Rent()
        {
            _gate.EnterCall();
            try
            {
                if (_free.TryTake(out var slot))
                {
                    return slot;
                }

                Interlocked.Increment(ref _slots);
                return new GpuSlot(height, width, scale);
            }
            catch
            {
                _gate.Exit();
                throw;
            }
        }

        // The host tensors go in and out of the run itself: ORT copies the input to the device
        // and the output back inside Run. (An IO binding copies a host input when it is bound,
        // outside any run, which WebGPU's provider does not survive.)
        public void Run(GpuSlot slot, CancellationToken cancellationToken) =>
            OrtSessions.Run(Session, [_input], [slot.Input], [_output], [slot.Output], cancellationToken);

        public void Return(GpuSlot slot)
        {
            if (_free.Count < framesInFlight)
            {
                _free.Add(slot);
            }
            else
            {
                slot.Dispose();
            }

            _gate.Exit();
        }

        public void Retire() => _gate.Close(() =>
        {
            while (_free.TryTake(out var slot))
            {
                slot.Dispose();
            }

            Session.Dispose();
        });
    }

    // One frame's host buffers, reused frame after frame.
    private sealed class GpuSlot : IDisposable
    {
        public GpuSlot(int height, int width, int scale)
        {
            Input = OrtSessions.Call(() => OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.UInt8, [1, height, width, 3]));
            Output = OrtSessions.Call(() => OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.UInt8, [1, height * scale, width * scale, 3]));
        }

        public OrtValue Input { get; }

        public OrtValue Output { get; }

        public void Dispose()
        {
            Input.Dispose();
            Output.Dispose();
        }
    }
}
