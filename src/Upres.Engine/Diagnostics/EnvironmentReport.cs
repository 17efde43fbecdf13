using Upres.Engine.Benchmark;
using Upres.Engine.Inference;
using Upres.Engine.Inference.Compact;
using Upres.Engine.Inference.Gpu;
using Upres.Engine.Media;
using Upres.Engine.Models;

namespace Upres.Engine.Diagnostics;

/// What `upres doctor` reports: each thing Upres needs, found or not, with enough detail to fix it.
public static class EnvironmentReport
{
    private static readonly string[] Encoders = ["libx264", "libx265", "libvpx-vp9", "libsvtav1", "prores_ks", "aac", "libopus"];

    public static async Task<IReadOnlyList<EnvironmentCheck>> CollectAsync(CancellationToken cancellationToken, UpresPaths? paths = null)
    {
        paths ??= UpresPaths.FromEnvironment();
        var checks = new List<EnvironmentCheck>
        {
            await ToolAsync("ffmpeg", ["-hide_banner", "-version"], optional: false, cancellationToken).ConfigureAwait(false),
            await ToolAsync("ffprobe", ["-hide_banner", "-version"], optional: false, cancellationToken).ConfigureAwait(false),
            await ToolAsync("mkvmerge", ["--version"], optional: false, cancellationToken).ConfigureAwait(false),
            await EncodersAsync(cancellationToken).ConfigureAwait(false),
        };
        checks.AddRange(Runtime(paths));
        checks.AddRange(Models(paths));
        var cpu = CpuFeatures.Detect();
        checks.Add(new("cpu", true, $"{cpu.Model}, {cpu.LogicalCores} logical cores, AVX2 {Yes(cpu.Avx2)}, FMA {Yes(cpu.Fma)}, AVX-512 {Yes(cpu.Avx512F)}"));
        checks.Add(Gemm());
        checks.Add(new("cache", Directory.Exists(paths.CacheDirectory), paths.CacheDirectory));
        return checks;
    }

    private static string Yes(bool value) => value ? "yes" : "no";

    private static EnvironmentCheck Gemm()
    {
        try
        {
            var choice = GemmWidthChoice.Current;
            return new("gemm", true, $"Winograd GEMM {(choice.Width == GemmWidth.Avx512 ? "512" : "256")}-bit: {choice.Reason}");
        }
        catch (ArgumentException e)
        {
            return new("gemm", false, e.Message);
        }
    }

    private static async Task<EnvironmentCheck> ToolAsync(string tool, string[] arguments, bool optional, CancellationToken cancellationToken)
    {
        try
        {
            var result = await ProcessRunner.RunAsync(tool, arguments, cancellationToken, new ProcessOptions { Timeout = TimeSpan.FromSeconds(10) })
                .ConfigureAwait(false);
            var first = result.StandardOutput.Split('\n', 2)[0].Trim();
            return new(tool, true, first, optional);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new(tool, false, $"not runnable ({e.Message}); install it with apt (./upres does)", optional);
        }
    }

    private static async Task<EnvironmentCheck> EncodersAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await ProcessRunner.RunAsync("ffmpeg", ["-hide_banner", "-encoders"], cancellationToken, new ProcessOptions { Timeout = TimeSpan.FromSeconds(10) })
                .ConfigureAwait(false);
            var missing = Encoders.Where(e => !result.StandardOutput.Contains($" {e} ", StringComparison.Ordinal)).ToList();
            return missing.Count == 0
                ? new("encoders", true, string.Join(", ", Encoders))
                : new("encoders", false, $"missing: {string.Join(", ", missing)}", Optional: true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new("encoders", false, e.Message, Optional: true);
        }
    }

    private static IEnumerable<EnvironmentCheck> Runtime(UpresPaths paths)
    {
        OrtRuntime runtime;
        try
        {
            runtime = OrtRuntime.Load(paths.OrtLibraryPath);
        }
        catch (Exception e)
        {
            return [new("onnxruntime", false, e.Message)];
        }

        var checks = new List<EnvironmentCheck>
        {
            new("onnxruntime", true, $"{runtime.Version} from {runtime.LibraryPath}"),
            new("providers", true, $"listed: {string.Join(", ", runtime.AvailableProviders)}"),
        };

        // Listed is not the same as runnable: WebGPU needs a Vulkan GPU (lavapipe has no adapter
        // for it), CUDA needs its provider library beside the runtime and CUDA 13 + cuDNN 9.
        foreach (var provider in new[] { ExecutionProvider.Cpu, ExecutionProvider.WebGpu, ExecutionProvider.Cuda })
        {
            var probe = ProviderProbe.Run(provider, runtime);
            var hint = provider switch
            {
                ExecutionProvider.WebGpu when !probe.Runs => "; needs a Vulkan driver for a real GPU",
                ExecutionProvider.Cuda when !probe.Runs => "; needs libonnxruntime_providers_cuda.so beside the runtime (UPRES_CUDA=1 ./upres fetches it) and CUDA 13 with cuDNN 9",
                _ => string.Empty,
            };
            checks.Add(new($"provider {provider.ToString().ToLowerInvariant()}", probe.Runs,
                (probe.Runs ? "runs: " : "does not run: ") + probe.Detail + hint, Optional: provider != ExecutionProvider.Cpu));
        }

        return checks;
    }

    private static IEnumerable<EnvironmentCheck> Models(UpresPaths paths)
    {
        var store = new ModelStore(paths);
        foreach (var model in store.Catalog.All.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            var present = File.Exists(model.Source.ParamFile(paths)) && File.Exists(model.Source.BinFile(paths));
            var converted = File.Exists(store.CachedPath(model));
            yield return new($"model {model.Name}", present,
                present ? (converted ? "converted" : "weights present; converted on first use") : $"weights missing from {paths.PackageDirectory(model.Source.Package, model.Source.Version)}");
        }
    }
}
