using System.CommandLine;
using Upres.Engine;
using Upres.Engine.Models;

namespace Upres.Cli.Commands;

internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List the model catalog");
        command.SetAction(_ =>
        {
            var paths = UpresPaths.FromEnvironment();
            var store = new ModelStore(paths);
            Console.WriteLine($"{"name",-34} {"scale",5} {"content",-10} {"denoise",-12} {"state",-10} source");
            foreach (var m in store.Catalog.All.OrderBy(m => m.Architecture).ThenBy(m => m.Name, StringComparer.Ordinal))
            {
                var state = File.Exists(store.CachedPath(m)) ? "converted" : File.Exists(m.Source.BinFile(paths)) ? "weights" : "missing";
                var isDefault = store.Catalog.Scales.Any(s => store.Catalog.DefaultFor(s).Name == m.Name) ? " (default)" : "";
                Console.WriteLine($"{m.Name + isDefault,-34} {"x" + m.Scale,5} {m.Content,-10} {m.Denoise,-12} {state,-10} {m.Source.Package}@{m.Source.Version} ({m.Licence})");
            }

            return ExitCodes.Ok;
        });

        var import = new Command("import", "Convert models from ncnn to ONNX now (otherwise done on first use)");
        var names = new Argument<string[]>("names") { Description = "Model names; none = all", Arity = ArgumentArity.ZeroOrMore };
        import.Arguments.Add(names);
        import.SetAction(async (parse, cancellationToken) =>
        {
            var store = new ModelStore(UpresPaths.FromEnvironment());
            var wanted = parse.GetValue(names) is { Length: > 0 } n ? n.Select(store.Catalog.Get).ToList() : store.Catalog.All.ToList();
            foreach (var model in wanted)
            {
                var path = await store.GetOnnxPathAsync(model, cancellationToken);
                Console.WriteLine($"{model.Name}: {path}");
            }

            return ExitCodes.Ok;
        });
        command.Subcommands.Add(import);
        return command;
    }
}
