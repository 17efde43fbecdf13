using System.CommandLine;
using Upres.Cli.Commands;

var root = new RootCommand("Upres: video super-resolution on your own machines")
{
    UpscaleCommand.Create(),
    ModelsCommand.Create(),
    DoctorCommand.Create(),
    BenchCommand.Create(),
    QualityCommand.Create(),
    GpuBenchCommand.Create(),
    ServeCommand.Create(),
    WorkerCommand.Create(),
    SegmentCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
