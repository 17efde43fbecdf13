using System.CommandLine;
using System.Globalization;
using Upres.Engine;
using Upres.Engine.Pipeline;
using Upres.Engine.Quality;

namespace Upres.Cli.Commands;

internal static class QualityCommand
{
    public static Command Create()
    {
        var models = new Option<string[]>("--model") { Description = "Only these methods (repeatable): catalog models, bicubic, lanczos; default all" };
        var sets = new Option<string[]>("--set") { Description = $"Only these sets (repeatable): {string.Join(", ", QualitySet.Names)}; default all" };
        var frames = new Option<int?>("--frames") { Description = "Use only the first N frames of the video sets" };
        var noSpeed = new Option<bool>("--no-speed") { Description = "Skip the ms per 640x360 frame column" };
        var data = new Option<DirectoryInfo?>("--data") { Description = "The test data folder (default: ../shared/testdata beside the repository)" };
        var command = new Command("quality", "PSNR/SSIM against ground truth on Set5, Set14 and SPMCS Temple, flicker on Temple and Vid4 calendar, and speed, for every model and the bicubic and Lanczos baselines")
        {
            models, sets, frames, noSpeed, data,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var paths = UpresPaths.FromEnvironment();
            using var engine = UpscaleEngine.Create(new EngineOptions { Paths = paths });
            var all = QualityMethod.Baselines.Concat(engine.Catalog.All.Select(m => new QualityMethod(m.Name, m.Scale, async (_, ct) =>
                await engine.OpenFrameUpscalerAsync(new UpscaleRequest { InputPath = "-", OutputPath = "-", Model = m.Name }, ct)))).ToList();
            var wantedMethods = parse.GetValue(models) ?? [];
            var unknownMethod = wantedMethods.FirstOrDefault(w => all.All(m => m.Name != w));
            if (unknownMethod is not null)
            {
                return CliErrors.Report(UpscaleErrorCodes.UnknownModel, $"no method '{unknownMethod}'; known: {string.Join(", ", all.Select(m => m.Name))}");
            }

            var wantedSets = parse.GetValue(sets) ?? [];
            var unknownSet = wantedSets.FirstOrDefault(w => !QualitySet.Names.Contains(w, StringComparer.Ordinal));
            if (unknownSet is not null)
            {
                return CliErrors.Report(UpscaleErrorCodes.UnknownSet, $"no set '{unknownSet}'; known: {string.Join(", ", QualitySet.Names)}");
            }

            if (parse.GetValue(frames) is < 2)
            {
                return CliErrors.Report(UpscaleErrorCodes.InvalidRequest, "--frames must be at least 2");
            }

            var methods = new List<QualityMethod>();
            foreach (var method in all.Where(m => wantedMethods.Length == 0 || wantedMethods.Contains(m.Name)))
            {
                if (engine.Catalog.TryGet(method.Name, out var model) && !File.Exists(model.Source.BinFile(paths)))
                {
                    Console.WriteLine($"{method.Name}: skipped, its weights are not in {paths.CacheDirectory} (run ./upres once)");
                    continue;
                }

                methods.Add(method);
            }

            var root = parse.GetValue(data)?.FullName ?? DefaultTestData();
            var located = new List<QualitySet>();
            foreach (var name in wantedSets.Length > 0 ? QualitySet.Names.Where(wantedSets.Contains) : QualitySet.Names)
            {
                var (set, missing) = QualitySet.Locate(name, root, parse.GetValue(frames));
                if (set is null)
                {
                    Console.WriteLine(missing);
                    continue;
                }

                located.Add(set);
            }

            var log = new Progress<string>(line => Console.Error.WriteLine(line));
            var result = await QualityReport.RunAsync(methods, located, parse.GetValue(noSpeed) ? null : (640, 360), log, cancellationToken);
            Print(result, located, methods);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(QualityReport.Result result, IReadOnlyList<QualitySet> sets, IReadOnlyList<QualityMethod> methods)
    {
        var inv = CultureInfo.InvariantCulture;
        var scored = sets.Where(s => s.HasGroundTruth).ToList();
        var sequences = sets.Where(s => s.IsSequence).ToList();
        var header = string.Create(inv, $"{"method",-36}");
        foreach (var s in scored)
        {
            header += $" {s.Name,13}";
        }

        foreach (var s in sequences)
        {
            header += $" {s.Name.Split('-')[0] + " flicker",17}";
        }

        var timed = result.MsPerFrame.Count > 0;
        Console.WriteLine(timed ? header + $" {"ms/640x360",11}" : header);
        var rows = methods.Select(m => m.Name).ToList();
        if (result.Scores.Any(s => s.Method == QualityReport.GroundTruth))
        {
            rows.Add(QualityReport.GroundTruth);
        }

        foreach (var method in rows)
        {
            var line = string.Create(inv, $"{method,-36}");
            foreach (var s in scored)
            {
                var score = result.Scores.FirstOrDefault(x => x.Method == method && x.Set == s.Name);
                line += " " + (score is { Psnr: { } p, Ssim: { } q } ? string.Create(inv, $"{p:0.00}/{q:0.0000}") : score?.NotApplicable is not null ? "n/a" : "-").PadLeft(13);
            }

            foreach (var s in sequences)
            {
                var score = result.Scores.FirstOrDefault(x => x.Method == method && x.Set == s.Name);
                var text = score switch
                {
                    { FlickerMad: { } mad, TemporalError: { } err } => string.Create(inv, $"{mad:0.00} ({err:0.00})"),
                    { FlickerMad: { } mad } => string.Create(inv, $"{mad:0.00}"),
                    { NotApplicable: not null } => "n/a",
                    _ => "-",
                };
                line += " " + text.PadLeft(17);
            }

            if (timed)
            {
                line += " " + (result.MsPerFrame.TryGetValue(method, out var ms) ? ms.ToString("0", inv) : "-").PadLeft(11);
            }

            Console.WriteLine(line);
        }

        Console.WriteLine("PSNR (dB) / SSIM on luma (BT.601 Y of 8-bit RGB), `scale` pixels cropped at each edge, averaged over the images.");
        if (sequences.Count > 0)
        {
            Console.WriteLine("flicker: mean |frame - previous frame moved by block motion| on luma (0-255), motion found on the ground truth");
            Console.WriteLine("(calendar: on the bicubic enlargement), the same field for every row; in brackets the mean difference from the");
            Console.WriteLine("ground truth's own change. Closer to the ground truth row is steadier; blur lowers it too, so read it beside PSNR.");
        }

        if (methods.Any(m => m.Scale is not null) && scored.Concat(sequences).Any(s => methods.Any(m => !m.Runs(s.Scale))))
        {
            Console.WriteLine("n/a: the model's scale differs from the set's; it is not run there.");
        }
    }

    private static string DefaultTestData()
    {
        var root = Environment.GetEnvironmentVariable("UPRES_ROOT") ?? Directory.GetCurrentDirectory();
        return Path.GetFullPath(Path.Combine(root, "..", "shared", "testdata"));
    }
}
