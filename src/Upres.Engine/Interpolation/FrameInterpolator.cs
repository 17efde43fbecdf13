using Upres.Engine.Imaging;
using Upres.Engine.Inference;

namespace Upres.Engine.Interpolation;

/// The frame between two frames at any time t in (0, 1), by RIFE v4.6 on ONNX Runtime. Frames of
/// any size (padded inside the graph); calls are serialised.
public sealed class FrameInterpolator : IFrameInterpolator
{
    private readonly OnnxSession _session;
    private readonly Lock _gate = new();

    private FrameInterpolator(OnnxSession session) => _session = session;

    public static async Task<FrameInterpolator> OpenAsync(UpresPaths paths, InferenceOptions? options, CancellationToken cancellationToken)
    {
        var path = await RifeModel.GetOnnxPathAsync(paths, cancellationToken).ConfigureAwait(false);
        return Open(path, options, OrtRuntime.Load(paths.OrtLibraryPath));
    }

    /// A session on a model RifeModel already converted.
    public static FrameInterpolator Open(string onnxPath, InferenceOptions? options, OrtRuntime runtime) =>
        new(OnnxSession.Create(onnxPath, options, runtime));

    public string Name => RifeModel.Name;

    public PlanarImage Interpolate(PlanarImage first, PlanarImage second, double t, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Width != second.Width || first.Height != second.Height)
        {
            throw new ArgumentException($"frames differ in size: {first.Width}x{first.Height} and {second.Width}x{second.Height}");
        }

        if (t is <= 0 or >= 1 || double.IsNaN(t))
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, "the time between two frames is strictly between 0 and 1");
        }

        var plane = first.Width * first.Height;
        var input = GC.AllocateUninitializedArray<float>(7 * plane);
        first.Data.CopyTo(input, 0);
        second.Data.CopyTo(input, 3 * plane);
        input.AsSpan(6 * plane, plane).Fill((float)t);
        var output = new PlanarImage(first.Width, first.Height);
        lock (_gate)
        {
            _session.Run(input, [1, 7, first.Height, first.Width], output.Data, [1, 3, first.Height, first.Width], cancellationToken);
        }

        return output;
    }

    public void Dispose() => _session.Dispose();
}
