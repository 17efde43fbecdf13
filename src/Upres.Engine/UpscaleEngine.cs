using Upres.Engine.Imaging;
using Upres.Engine.Inference;
using Upres.Engine.Inference.Compact;
using Upres.Engine.Inference.Gpu;
using Upres.Engine.Interpolation;
using Upres.Engine.Media;
using Upres.Engine.Models;
using Upres.Engine.Pipeline;

namespace Upres.Engine;

/// The engine's composition root: picks the model for a request, converts it once (cached), and
/// runs the video pipeline with a tiled upscaler over it. One per process; safe to share.
public sealed class UpscaleEngine : IVideoUpscaler, IDisposable
{
    private readonly ModelStore _models;
    private readonly IMediaProber _prober;
    private readonly VideoUpscalerOptions _pipelineOptions;

    private UpscaleEngine(EngineOptions options)
    {
        Options = options;
        Paths = options.Paths ?? UpresPaths.FromEnvironment();
        _models = new ModelStore(Paths);
        _pipelineOptions = new VideoUpscalerOptions { HeldFrames = options.HeldFrames, Niceness = options.Niceness };
        _prober = new FfprobeClient(_pipelineOptions.FfprobePath, formats: options.InputFormats);
    }

    public EngineOptions Options { get; }

    public UpresPaths Paths { get; }

    public ModelCatalog Catalog => _models.Catalog;

    public IMediaProber Prober => _prober;

    /// The model name that asks for no super-resolution: a classical bicubic resize (then the
    /// encoder's lanczos to an exact size), for "enhance without SR" requests.
    public const string NoSuperResolution = "none";

    public static UpscaleEngine Create(EngineOptions options) => new(options);

    public async Task<UpscaleResult> UpscaleAsync(UpscaleRequest request, IProgress<UpscaleProgress>? progress, CancellationToken cancellationToken)
    {
        var pipeline = await PipelineForAsync(request, cancellationToken).ConfigureAwait(false);
        return await pipeline.UpscaleAsync(request, progress, cancellationToken).ConfigureAwait(false);
    }

    public Task<FrameTimeline> ReadTimelineAsync(UpscaleRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new VideoUpscaler(_ => throw new InvalidOperationException("reading a timeline upscales nothing"), _prober, _pipelineOptions)
            .ReadTimelineAsync(request, cancellationToken);
    }

    public async Task<VideoSegment> UpscaleSegmentAsync(
        UpscaleRequest request, FrameTimeline timeline, FrameRange range, string segmentPath,
        IProgress<UpscaleProgress>? progress, CancellationToken cancellationToken)
    {
        var pipeline = await PipelineForAsync(request, cancellationToken).ConfigureAwait(false);
        return await pipeline.UpscaleSegmentAsync(request, timeline, range, segmentPath, progress, cancellationToken).ConfigureAwait(false);
    }

    public Task<UpscaleResult> JoinSegmentsAsync(
        UpscaleRequest request, FrameTimeline timeline, IReadOnlyList<VideoSegment> segments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new VideoUpscaler(_ => throw new InvalidOperationException("a join upscales nothing"), _prober, _pipelineOptions)
            .JoinSegmentsAsync(request, timeline, segments, cancellationToken);
    }

    private async Task<VideoUpscaler> PipelineForAsync(UpscaleRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var interpolator = await InterpolatorForAsync(request, cancellationToken).ConfigureAwait(false);
        if (request.Model == NoSuperResolution)
        {
            return new VideoUpscaler(r => new BicubicUpscaler(r.Scale ?? 1), _prober, _pipelineOptions, interpolator);
        }

        var model = await ResolveModelAsync(request, cancellationToken).ConfigureAwait(false);
        var onnxPath = await ConvertAsync(model, VariantFor(Provider()), cancellationToken).ConfigureAwait(false);
        return new VideoUpscaler(r => CreateFrameUpscaler(model, onnxPath, r), _prober, _pipelineOptions, interpolator);
    }

    /// RIFE, converted once, for a request with a target frame rate. It runs on ONNX Runtime's CPU
    /// provider on the low-resolution frames, before the upscaler.
    private async Task<Func<UpscaleRequest, IFrameInterpolator>?> InterpolatorForAsync(UpscaleRequest request, CancellationToken cancellationToken)
    {
        if (request.TargetFps is null)
        {
            return null;
        }

        string onnxPath;
        try
        {
            onnxPath = await RifeModel.GetOnnxPathAsync(Paths, cancellationToken).ConfigureAwait(false);
        }
        catch (ModelIntegrityException e)
        {
            throw new UpscaleException(e.Message.Contains("missing", StringComparison.Ordinal) ? UpscaleErrorCodes.ModelFilesMissing : UpscaleErrorCodes.ModelFilesCorrupt,
                $"{e.Message} (frame interpolation needs {RifeModel.Name})", e);
        }

        return _ => FrameInterpolator.Open(onnxPath, InferenceOptionsFor(ExecutionProvider.Cpu), OrtRuntime.Load(Paths.OrtLibraryPath));
    }

    /// The model a request runs: the one it names, else the catalog default for its scale (from
    /// --scale, or the smallest model scale that reaches the requested size).
    public async Task<ModelDescriptor> ResolveModelAsync(UpscaleRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.IsNullOrEmpty(request.Model))
        {
            if (!Catalog.TryGet(request.Model, out var named))
            {
                throw new UpscaleException(UpscaleErrorCodes.UnknownModel,
                    $"no model named '{request.Model}'; known: {string.Join(", ", Catalog.All.Select(m => m.Name).Order(StringComparer.Ordinal))}");
            }

            return named;
        }

        var scale = request.Scale;
        if (scale is null && (request.Width is not null || request.Height is not null || request.ShortSide is not null))
        {
            var info = request.Probe ?? await _prober.ProbeAsync(request.InputPath, cancellationToken).ConfigureAwait(false);
            var video = info.Video ?? throw new UpscaleException(UpscaleErrorCodes.NoVideoStream,
                $"'{Path.GetFileName(request.InputPath)}' has no video stream");
            var ratio = Math.Max(Math.Max(
                request.Width is { } w && video.Width > 0 ? (double)w / video.Width : 0,
                request.Height is { } h && video.Height > 0 ? (double)h / video.Height : 0),
                request.ShortSide is { } side && Math.Min(video.Width, video.Height) > 0 ? (double)side / Math.Min(video.Width, video.Height) : 0);
            scale = Catalog.Scales.Cast<int?>().FirstOrDefault(s => s >= ratio - 1e-9) ?? Catalog.Scales.Max();
        }

        scale ??= 2;
        if (!Catalog.Scales.Contains(scale.Value))
        {
            throw new UpscaleException(UpscaleErrorCodes.InvalidRequest,
                $"scale must be one of {string.Join(", ", Catalog.Scales)}; for other sizes use --size");
        }

        return Catalog.DefaultFor(scale.Value);
    }

    private static OnnxVariant VariantFor(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cpu => OnnxVariant.PlanarFloat32,
        ExecutionProvider.WebGpu => OnnxVariant.PackedFloat16Portable,
        _ => OnnxVariant.PackedFloat16,
    };

    private async Task<string> ConvertAsync(ModelDescriptor model, OnnxVariant variant, CancellationToken cancellationToken)
    {
        try
        {
            return await _models.GetOnnxPathAsync(model, variant, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UpscaleException(UpscaleErrorCodes.ModelFilesMissing,
                $"the files of model '{model.Name}' are not in {Paths.CacheDirectory}: run ./upres once (it fetches them) ({e.Message})", e);
        }
        catch (ModelIntegrityException e)
        {
            throw new UpscaleException(UpscaleErrorCodes.ModelFilesCorrupt, e.Message, e);
        }
    }

    /// The frame upscaler a request would run, for benchmarks and single images.
    public async Task<IFrameUpscaler> OpenFrameUpscalerAsync(UpscaleRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Model == NoSuperResolution)
        {
            return new BicubicUpscaler(request.Scale ?? 1);
        }

        var model = await ResolveModelAsync(request, cancellationToken).ConfigureAwait(false);
        var onnxPath = await ConvertAsync(model, VariantFor(Provider()), cancellationToken).ConfigureAwait(false);
        return CreateFrameUpscaler(model, onnxPath, request);
    }

    private IFrameUpscaler CreateFrameUpscaler(ModelDescriptor model, string onnxPath, UpscaleRequest request)
    {
        // The compact video models run on our fused AVX2 + Winograd engine on the CPU (1.6-2.5x
        // ORT's speed there, same output to > 130 dB); everything else, and GPU providers, on ORT.
        if (model.Architecture == ModelArchitecture.SrVggNetCompact && CompactSrUpscaler.IsSupported
            && Options.Provider.Equals("cpu", StringComparison.OrdinalIgnoreCase) && !Options.ForceOnnxRuntime)
        {
            var source = model.Source;
            var weights = CompactSrNcnnLoader.Load(source.ParamFile(Paths), source.BinFile(Paths)) with { Name = model.Name };
            return CompactSrUpscaler.Create(weights, Options.Threads ?? Environment.ProcessorCount, model.Framing.PrePadding);
        }

        var runtime = OrtRuntime.Load(Paths.OrtLibraryPath);
        var provider = Provider();
        if (!runtime.Supports(provider))
        {
            throw new UpscaleException(UpscaleErrorCodes.ProviderUnavailable,
                $"the {provider} provider is not available in this ONNX Runtime (it has: {string.Join(", ", runtime.AvailableProviders)})");
        }

        if (provider != ExecutionProvider.Cpu)
        {
            // GPU: bytes in and out, fp16 inside, whole frames where memory allows.
            return GpuFrameUpscaler.Create(File.ReadAllBytes(onnxPath), model.Scale, model.Name, new GpuUpscalerOptions
            {
                Provider = provider,
                ProviderOptions = Options.ProviderOptions,
                TileSize = request.TileSize ?? 0,
                // fp16 activations: the compact models keep about three 64-channel maps alive.
                BytesPerInputPixel = model.Architecture == ModelArchitecture.SrVggNetCompact ? 2048 : 16384,
            }, runtime);
        }

        var session = OnnxSession.Create(onnxPath, InferenceOptionsFor(provider), runtime);
        var tiles = request.TileSize is { } edge ? TileOptions.Default with { TileSize = edge } : TileOptions.Default;
        return new TiledUpscaler(session, model.Scale, model.Name, tiles);
    }

    private ExecutionProvider Provider() => Options.Provider.ToLowerInvariant() switch
    {
        "cpu" => ExecutionProvider.Cpu,
        "webgpu" => ExecutionProvider.WebGpu,
        "cuda" => ExecutionProvider.Cuda,
        _ => throw new UpscaleException(UpscaleErrorCodes.InvalidRequest, $"unknown provider '{Options.Provider}': use cpu, webgpu or cuda"),
    };

    private InferenceOptions InferenceOptionsFor(ExecutionProvider provider) => InferenceOptions.Default with
    {
        ExecutionProvider = provider,
        IntraOpThreads = Options.Threads ?? Environment.ProcessorCount,
        Niceness = Options.Niceness,
        // ffmpeg decodes and encodes on the same cores: spinning workers would only steal from it.
        ConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
    };

    public void Dispose()
    {
    }
}
