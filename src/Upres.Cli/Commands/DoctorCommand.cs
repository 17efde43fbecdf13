using System.CommandLine;
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
            var width = checks.Max(c => c.Name.Length);
            foreach (var c in checks)
            {
                var status = c.Ok ? "ok  " : c.Optional ? "--  " : "FAIL";
                Console.WriteLine($"{status}  {c.Name.PadRight(width)}  {c.Detail.ReplaceLineEndings(" ")}");
            }

            return checks.All(c => c.Ok || c.Optional) ? ExitCodes.Ok : ExitCodes.MissingDependency;
        });
        return command;
    }
}
