using System.Diagnostics;
using Upres.Engine.Imaging;

namespace Upres.Engine.Quality;

/// What `upres quality` measures: every method on every set (PSNR/SSIM on luma against ground
/// truth, flicker on sequences) and each method's time for one 640x360 frame. Prints nothing;
/// progress goes through `log`.
public static class QualityReport
{
    /// The row that carries the ground truth's own frame-to-frame change.
    public const string GroundTruth = "ground truth";

    public sealed record Result(IReadOnlyList<QualityScore> Scores, IReadOnlyDictionary<string, double> MsPerFrame);

    public static async Task<Result> RunAsync(
        IReadOnlyList<QualityMethod> methods,
        IReadOnlyList<QualitySet> sets,
        (int Width, int Height)? speedFrame,
        IProgress<string>? log,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(methods);
        ArgumentNullException.ThrowIfNull(sets);
        var scores = new List<QualityScore>();
        foreach (var set in sets)
        {
            var runnable = methods.Where(m => m.Runs(set.Scale)).ToList();
            scores.AddRange(methods.Where(m => !m.Runs(set.Scale)).Select(m => new QualityScore(m.Name, set.Name, NotApplicable: $"x{m.Scale} model, x{set.Scale} set")));
            if (runnable.Count == 0)
            {
                continue;
            }

            log?.Report($"{set.Name}: reading {set.Samples.Count} images");
            var inputs = new List<PlanarImage>();
            var truths = new List<LumaPlane?>();
            foreach (var sample in set.Samples)
            {
                inputs.Add(await ImageFile.ReadAsync(sample.InputPath, cancellationToken).ConfigureAwait(false));
                truths.Add(sample.GroundTruthPath is { } gt ? LumaPlane.From(await ImageFile.ReadAsync(gt, cancellationToken).ConfigureAwait(false)) : null);
            }

            var motion = set.IsSequence ? await MotionAsync(set, inputs, truths, cancellationToken).ConfigureAwait(false) : null;
            if (motion is not null && set.HasGroundTruth)
            {
                var truthMad = Enumerable.Range(1, truths.Count - 1)
                    .Average(i => motion[i - 1].Residual(Fit(truths[i - 1]!, inputs[i - 1], set.Scale), Fit(truths[i]!, inputs[i], set.Scale), set.Scale).Average(Math.Abs));
                scores.Add(new QualityScore(GroundTruth, set.Name, FlickerMad: truthMad));
            }

            foreach (var method in runnable)
            {
                log?.Report($"{set.Name}: {method.Name}");
                using var upscaler = await method.Open(set.Scale, cancellationToken).ConfigureAwait(false);
                scores.Add(Score(method.Name, set, upscaler, inputs, truths, motion, cancellationToken));
            }
        }

        var speed = new Dictionary<string, double>(StringComparer.Ordinal);
        if (speedFrame is { } frame)
        {
            foreach (var method in methods)
            {
                log?.Report($"speed: {method.Name} at {frame.Width}x{frame.Height}");
                speed[method.Name] = await TimeOneFrameAsync(method, frame.Width, frame.Height, cancellationToken).ConfigureAwait(false);
            }
        }

        return new Result(scores, speed);
    }

    private static QualityScore Score(
        string method, QualitySet set, IFrameUpscaler upscaler, List<PlanarImage> inputs, List<LumaPlane?> truths, List<BlockMotion>? motion, CancellationToken cancellationToken)
    {
        double psnr = 0, ssim = 0, mad = 0, temporalError = 0;
        LumaPlane? previous = null;
        for (var i = 0; i < inputs.Count; i++)
        {
            var output = LumaPlane.From(upscaler.Upscale(inputs[i], cancellationToken));
            if (truths[i] is { } truth)
            {
                // Ground truth larger than scale x input (sizes not divisible by the scale) loses its right and bottom edge.
                var gt = truth.Crop(0, 0, output.Width, output.Height);
                psnr += LumaMetrics.Psnr(output, gt, set.Scale);
                ssim += LumaMetrics.Ssim(output, gt, set.Scale);
            }

            if (motion is not null && previous is not null)
            {
                var field = motion[i - 1];
                var residual = field.Residual(previous, output, set.Scale);
                mad += residual.Average(Math.Abs);
                if (truths[i] is { } t && truths[i - 1] is { } tp)
                {
                    var truthResidual = field.Residual(Fit(tp, output), Fit(t, output), set.Scale);
                    double sum = 0;
                    for (var k = 0; k < residual.Length; k++)
                    {
                        sum += Math.Abs(residual[k] - truthResidual[k]);
                    }

                    temporalError += sum / residual.Length;
                }
            }

            previous = output;
        }

        var n = inputs.Count;
        var pairs = Math.Max(1, n - 1);
        return new QualityScore(
            method,
            set.Name,
            set.HasGroundTruth ? psnr / n : null,
            set.HasGroundTruth ? ssim / n : null,
            set.IsSequence ? mad / pairs : null,
            set.IsSequence && set.HasGroundTruth ? temporalError / pairs : null);
    }

    /// The motion between consecutive frames, found once per set on the ground truth (or, without
    /// it, on the bicubic enlargement) and applied to every method.
    private static async Task<List<BlockMotion>> MotionAsync(QualitySet set, List<PlanarImage> inputs, List<LumaPlane?> truths, CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var bicubic = new ClassicalUpscaler(ClassicalKernel.Bicubic, set.Scale);
        var frames = truths.Select((t, i) => t is not null
            ? t.Crop(0, 0, inputs[i].Width * set.Scale, inputs[i].Height * set.Scale)
            : LumaPlane.From(bicubic.Upscale(inputs[i], cancellationToken))).ToList();
        var fields = new List<BlockMotion>();
        for (var i = 1; i < frames.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            fields.Add(BlockMotion.Estimate(frames[i - 1], frames[i]));
        }

        return fields;
    }

    private static LumaPlane Fit(LumaPlane truth, LumaPlane output) => truth.Crop(0, 0, output.Width, output.Height);

    private static LumaPlane Fit(LumaPlane truth, PlanarImage input, int scale) => truth.Crop(0, 0, input.Width * scale, input.Height * scale);

    private static async Task<double> TimeOneFrameAsync(QualityMethod method, int width, int height, CancellationToken cancellationToken)
    {
        using var upscaler = await method.Open(method.Scale ?? 4, cancellationToken).ConfigureAwait(false);
        upscaler.Upscale(Pattern(32, 32), cancellationToken);
        var input = Pattern(width, height);
        var clock = Stopwatch.StartNew();
        upscaler.Upscale(input, cancellationToken);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static PlanarImage Pattern(int width, int height)
    {
        var image = new PlanarImage(width, height);
        var random = new Random(13);
        for (var i = 0; i < image.Data.Length; i++)
        {
            image.Data[i] = (float)random.NextDouble();
        }

        return image;
    }
}
