using Upres.Engine.Imaging;

namespace Upres.Engine.Quality;

/// Something the report measures: a catalog model (one scale) or a classical baseline (any scale).
/// Open gives a frame upscaler for a scale; the report disposes it.
public sealed record QualityMethod(string Name, int? Scale, Func<int, CancellationToken, Task<IFrameUpscaler>> Open)
{
    public const string Bicubic = "bicubic";
    public const string Lanczos = "lanczos";

    public static IReadOnlyList<QualityMethod> Baselines { get; } =
    [
        new(Bicubic, null, (scale, _) => Task.FromResult<IFrameUpscaler>(new ClassicalUpscaler(ClassicalKernel.Bicubic, scale))),
        new(Lanczos, null, (scale, _) => Task.FromResult<IFrameUpscaler>(new ClassicalUpscaler(ClassicalKernel.Lanczos, scale))),
    ];

    public bool Runs(int scale) => Scale is null || Scale == scale;
}
