using System.CommandLine;
using Spectre.Console;
using Upres.Engine.Diagnostics;

namespace Upres.Cli.Commands;

internal static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check ffmpeg, the inference runtime and its providers, the models and the CPU");
        command.SetAction(async (_, cancellationToken) =>
        {
            var checks = await EnvironmentReport.CollectAsync(cancellationToken);
            var table = new Table().AddColumn("check").AddColumn("status").AddColumn("detail");
            foreach (var c in checks)
            {
                table.AddRow(Markup.Escape(c.Name), c.Ok ? "[green]ok[/]" : "[red]missing[/]", Markup.Escape(c.Detail));
            }

            AnsiConsole.Write(table);
            return checks.All(c => c.Ok || c.Optional) ? ExitCodes.Ok : ExitCodes.MissingDependency;
        });
        return command;
    }
}
