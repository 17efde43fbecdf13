using System.CommandLine;
using System.Globalization;
using Upres.Engine.Benchmark;

namespace Upres.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure this machine's FP32 peak, each model's speed against it, and the pipeline");
        command.SetAction((_, cancellationToken) =>
        {
            var peak = FmaPeak.Measure(Environment.ProcessorCount, TimeSpan.FromSeconds(2), cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fp32 peak: {peak.GflopsPerSecond:0.0} GFLOP/s on {peak.Threads} threads ({peak.VectorBits}-bit FMA)"));
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
