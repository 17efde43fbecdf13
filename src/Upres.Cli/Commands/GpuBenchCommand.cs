using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Upres.Engine;
using Upres.Engine.Benchmark;
using Upres.Engine.Inference;

namespace Upres.Cli.Commands;

/// `upres gpu-bench`: the GPU path's speed and faithfulness per provider (scripts/gpu-check.sh
/// runs it on a lent GPU machine and sets the PyTorch peer beside it).
internal static class GpuBenchCommand
{
    public static Command Create()
    {
        var providers = new Option<string[]>("--provider") { Description = "webgpu and/or cuda (repeatable; default: both)" };
        var models = new Option<string[]>("--model") { Description = "Models (repeatable; default: realesr-animevideov3-x2 and realesrgan-x4fast)" };
        var inputs = new Option<string[]>("--input") { Description = "Input sizes WxH (repeatable; default: 1280x720 and 1920x1080)" };
        var frames = new Option<int>("--frames") { Description = "Frames timed per row", DefaultValueFactory = _ => 60 };
        var inFlight = new Option<int>("--in-flight") { Description = "Frames in flight", DefaultValueFactory = _ => 3 };
        var frameDir = new Option<DirectoryInfo?>("--frame-dir") { Description = "Folder with real frames as raw rgb24 named WxH.rgb (default: a synthetic frame)" };
        var providerOptions = new Option<string[]>("--provider-option") { Description = "KEY=VALUE passed to the provider as it is, e.g. prefer_nhwc=1 for CUDA (repeatable)" };
        var tileSize = new Option<int?>("--tile") { Description = "Tile edge in input pixels (default: from the GPU's free memory, whole frames when they fit)" };
        var noCpu = new Option<bool>("--no-cpu") { Description = "Skip the CPU run and the PSNR against it" };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the rows as JSON here" };
        var saveOutputs = new Option<DirectoryInfo?>("--save-outputs") { Description = "Write the CPU path's output per model and size here (MODEL-WxH-cpu.rgb), for the PyTorch peer to compare against" };
        var command = new Command("gpu-bench", "Frames per second of the GPU providers, and their output's PSNR against the CPU path")
        {
            providers, models, inputs, frames, inFlight, frameDir, providerOptions, tileSize, noCpu, json, saveOutputs,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var chosen = new List<ExecutionProvider>();
            foreach (var p in parse.GetValue(providers) is { Length: > 0 } named ? named : ["webgpu", "cuda"])
            {
                switch (p.ToLowerInvariant())
                {
                    case "webgpu": chosen.Add(ExecutionProvider.WebGpu); break;
                    case "cuda": chosen.Add(ExecutionProvider.Cuda); break;
                    case "cpu": chosen.Add(ExecutionProvider.Cpu); break;
                    default:
                        Console.Error.WriteLine($"error [invalid_provider]: unknown provider '{p}': use webgpu, cuda or cpu");
                        return ExitCodes.Usage;
                }
            }

            var sizes = new List<(int Width, int Height)>();
            foreach (var text in parse.GetValue(inputs) is { Length: > 0 } given ? given : ["1280x720", "1920x1080"])
            {
                if (InputSize(text) is not ({ } w, { } h))
                {
                    Console.Error.WriteLine("error [invalid_size]: --input must be WxH, each side a whole number from 16 to 16384");
                    return ExitCodes.Usage;
                }

                sizes.Add((w, h));
            }

            var modelNames = parse.GetValue(models) is { Length: > 0 } m ? m : ["realesr-animevideov3-x2", "realesrgan-x4fast"];
            var paths = UpresPaths.FromEnvironment();
            var passed = new Dictionary<string, string>();
            foreach (var pair in parse.GetValue(providerOptions) ?? [])
            {
                if (pair.Split('=', 2) is not [{ Length: > 0 } key, var value])
                {
                    Console.Error.WriteLine($"error [invalid_provider_option]: '{pair}' is not KEY=VALUE");
                    return ExitCodes.Usage;
                }

                passed[key] = value;
            }

            var options = new GpuBenchmarkOptions(parse.GetValue(frames), parse.GetValue(inFlight)) { ProviderOptions = passed, TileSize = parse.GetValue(tileSize) };
            var inv = CultureInfo.InvariantCulture;
            var rows = new List<GpuBenchmarkResult>();
            Console.WriteLine($"{"model",-26} {"input",-10} {"provider",-8} {"fps",8} {"latency",9} {"tile",6} {"PSNR vs CPU",12}  nodes");
            foreach (var model in modelNames)
            {
                foreach (var (width, height) in sizes)
                {
                    var frame = ReadFrame(parse.GetValue(frameDir), width, height) ?? GpuBenchmark.SyntheticFrame(width, height);
                    byte[]? reference = null;
                    if (!parse.GetValue(noCpu))
                    {
                        (reference, var cpuMs) = await GpuBenchmark.CpuReferenceAsync(paths, model, frame, width, height, cancellationToken);
                        Console.WriteLine(string.Create(inv, $"{model,-26} {width}x{height,-5} {"cpu",-8} {1000 / cpuMs,8:0.00} {cpuMs,7:0}ms {"",6} {"reference",12}  the CPU path `upscale` runs"));
                        if (parse.GetValue(saveOutputs) is { } outputs)
                        {
                            Directory.CreateDirectory(outputs.FullName);
                            await File.WriteAllBytesAsync(Path.Combine(outputs.FullName, string.Create(inv, $"{model}-{width}x{height}-cpu.rgb")), reference, cancellationToken);
                        }
                    }

                    foreach (var provider in chosen)
                    {
                        var r = await GpuBenchmark.RunAsync(paths, model, provider, frame, width, height, options, reference, cancellationToken);
                        rows.Add(r);
                        if (r.Error is not null)
                        {
                            Console.WriteLine($"{model,-26} {width}x{height,-5} {r.Provider,-8} does not run: {r.Error}");
                            continue;
                        }

                        var psnr = r.PsnrVsCpu is { } p ? (double.IsPositiveInfinity(p) ? "identical" : p.ToString("0.00", inv) + " dB") : "-";
                        Console.WriteLine(string.Create(inv,
                            $"{model,-26} {width}x{height,-5} {r.Provider,-8} {r.Fps,8:0.0} {r.LatencyMs,7:0.0}ms {(r.TileSize >= Math.Max(width, height) ? "frame" : r.TileSize.ToString(inv)),6} {psnr,12}  {(r.CpuFallback is null ? "all on " + r.Provider : "some on the CPU: " + r.CpuFallback)}"));
                    }
                }
            }

            Console.WriteLine($"fps: {options.Frames} frames, {options.FramesInFlight} in flight, bytes in and out as the pipeline hands them over; latency: one frame alone.");
            if (parse.GetValue(json) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
            }

            return rows.Any(r => r.Error is null) ? ExitCodes.Ok : ExitCodes.MissingDependency;
        });
        return command;
    }

    private static (int? Width, int? Height) InputSize(string text)
    {
        try
        {
            return UpscaleOptions.ParseSize(text);
        }
        catch (Upres.Engine.Pipeline.UpscaleException)
        {
            return (null, null);
        }
    }

    private static byte[]? ReadFrame(DirectoryInfo? directory, int width, int height)
    {
        if (directory is null)
        {
            return null;
        }

        var path = Path.Combine(directory.FullName, string.Create(CultureInfo.InvariantCulture, $"{width}x{height}.rgb"));
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = File.ReadAllBytes(path);
        return bytes.Length == width * height * 3 ? bytes : throw new InvalidDataException($"{path} is {bytes.Length} bytes; a {width}x{height} rgb24 frame is {width * height * 3}");
    }
}
