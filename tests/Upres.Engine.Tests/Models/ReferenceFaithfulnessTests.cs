using System.Diagnostics;
using Upres.Engine.Imaging;
using Upres.Engine.Inference;
using Upres.Engine.Inference.Compact;
using Upres.Engine.Models;
using Upres.Engine.Models.Conversion;
using Upres.Engine.Pipeline;
using Xunit.Abstractions;

namespace Upres.Engine.Tests.Models;

/// Every catalog model, converted to ONNX and run by ONNX Runtime, against the original ncnn binary
/// on the same real image crop. Slow (the references run on a software Vulkan driver): filter with
/// `Category!=Reference` for a quick run.
[Trait("Category", "Reference")]
public sealed class ReferenceFaithfulnessTests(ITestOutputHelper output) : IDisposable
{
    private const double RequiredPsnr = 40.0;

    private readonly string _directory = Directory.CreateTempSubdirectory("upres-faithful-").FullName;

    public static TheoryData<string> Models => new(ModelCatalog.Default.All.Select(m => m.Name).Order(StringComparer.Ordinal));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [TestImagesTheory]
    [MemberData(nameof(Models))]
    public async Task The_converted_model_matches_the_reference_binary(string name)
    {
        var model = ModelCatalog.Default.Get(name);
        var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(20)).Token;

        // Odd sizes on purpose: Real-CUGAN's binary pads to a multiple of 2 or 4 and crops back.
        // RRDBNet costs 18 M MACs a pixel, which lavapipe takes many minutes over at 67x61.
        var (width, height) = model.Architecture == ModelArchitecture.RrdbNet ? (29, 25) : (67, 61);
        var source = await ImageFile.ReadAsync(TestData.Image("Set5/HR/baby.png"), cancellation);
        var input = Crop(source, 200, 180, width, height);
        var inputPng = Path.Combine(_directory, "input.png");
        await ImageFile.WritePngAsync(input, inputPng, cancellationToken: cancellation);
        input = await ImageFile.ReadAsync(inputPng, cancellation);

        var clock = Stopwatch.StartNew();
        var reference = await ReferenceUpscaler.UpscaleAsync(model, inputPng, _directory, cancellation);
        var referenceTime = clock.Elapsed;

        clock.Restart();
        var onnx = await NcnnToOnnxConverter.ConvertFilesAsync(
            model.Source.ParamFile(UpresPaths.FromEnvironment()),
            model.Source.BinFile(UpresPaths.FromEnvironment()),
            model.ConversionOptions,
            cancellation);
        using var session = OnnxSession.Create(onnx, new InferenceOptions { IntraOpThreads = 2 });
        var ours = session.Run(input.Data, [1, 3, height, width], out var shape, cancellation);
        var ourTime = clock.Elapsed;

        Assert.Equal([1L, 3, height * model.Scale, width * model.Scale], shape);
        Assert.Equal((width * model.Scale, height * model.Scale), (reference.Width, reference.Height));
        var comparison = Compare(ours, reference);
        output.WriteLine(
            $"{name}: {comparison.Psnr:F2} dB over {width}x{height} -> x{model.Scale}, {comparison.Excluded} lavapipe-artefact values excluded; " +
            $"reference {referenceTime.TotalSeconds:F1} s, convert+ORT {ourTime.TotalSeconds:F1} s");
        Assert.True(comparison.Excluded <= ours.Length / 100, $"{comparison.Excluded} of {ours.Length} values excluded as lavapipe artefacts");
        Assert.True(comparison.Psnr >= RequiredPsnr, $"{name}: PSNR {comparison.Psnr:F2} dB against the reference binary, need {RequiredPsnr}");

        // The compact video models run on our own CPU engine in `upres upscale`: hold that path to
        // the same bar, through the same composition root the pipeline uses.
        if (CompactSrModels.Names.Contains(name) && CompactSrUpscaler.IsSupported)
        {
            using var engine = UpscaleEngine.Create(new EngineOptions { Threads = 2 });
            using var upscaler = await engine.OpenFrameUpscalerAsync(new UpscaleRequest { InputPath = inputPng, OutputPath = inputPng, Model = name }, cancellation);
            Assert.IsType<CompactSrUpscaler>(upscaler);
            var engineComparison = Compare(upscaler.Upscale(input, cancellation).Data, reference);
            output.WriteLine($"{name}: CPU engine {engineComparison.Psnr:F2} dB, {engineComparison.Excluded} excluded");
            Assert.True(engineComparison.Excluded <= ours.Length / 100, $"{engineComparison.Excluded} of {ours.Length} values excluded as lavapipe artefacts");
            Assert.True(engineComparison.Psnr >= RequiredPsnr, $"{name}: CPU engine PSNR {engineComparison.Psnr:F2} dB against the reference binary, need {RequiredPsnr}");
        }
    }

    private static PlanarImage Crop(PlanarImage source, int x, int y, int width, int height)
    {
        var crop = new PlanarImage(width, height);
        for (var c = 0; c < 3; c++)
        {
            for (var row = 0; row < height; row++)
            {
                source.Plane(c).Slice(((y + row) * source.Width) + x, width).CopyTo(crop.Plane(c).Slice(row * width, width));
            }
        }

        return crop;
    }

    /// PSNR on the 8-bit values both sides would write. On lavapipe the binaries write 255 where
    /// the network's output is negative (floor of a negative float converted to uint): those values,
    /// where ours is below zero and theirs is 255, are left out and counted.
    private static (double Psnr, int Excluded) Compare(float[] ours, PlanarImage reference)
    {
        double squares = 0;
        var counted = 0;
        var excluded = 0;
        for (var i = 0; i < ours.Length; i++)
        {
            var theirs = (int)MathF.Round(reference.Data[i] * 255f);
            if (theirs == 255 && (ours[i] * 255f) + 0.5f < 0f)
            {
                excluded++;
                continue;
            }

            var d = ImageFile.Quantize(ours[i], 255) - theirs;
            squares += d * d;
            counted++;
        }

        var mse = squares / counted;
        return (mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse), excluded);
    }
}
