using System.CommandLine;
using Upres.Service.Hosting;

namespace Upres.Cli.Commands;

/// `upres worker --db URL --storage DIR [--slots N] [--threads N] [--provider P]`: claims and runs
/// work from the shared database; no HTTP listener. SIGTERM releases what it holds within seconds.
public static class WorkerCommand
{
    public static Command Create()
    {
        var slots = new Option<int?>("--slots") { Description = "Units of work run at once (default UPRES_WORKERS or 1)" };
        var threads = new Option<int?>("--threads") { Description = "Inference threads (default UPRES_THREADS, else one per core)" };
        var provider = new Option<string?>("--provider") { Description = "Engine provider: cpu, webgpu or cuda (default UPRES_PROVIDER or cpu)" };
        provider.AcceptOnlyFromAmong("cpu", "webgpu", "cuda");
        var role = new ServiceRoleOptions();
        var command = new Command("worker", "Run a worker: claim and process jobs from the shared database (no HTTP listener)") { slots, threads, provider };
        role.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var args = role.ToArgs(parse);
            if (parse.GetValue(slots) is { } n)
            {
                if (n < 1)
                {
                    Console.Error.WriteLine("upres worker: --slots must be at least 1");
                    return 2;
                }

                args.Add($"--UPRES_WORKERS={n}");
            }

            if (parse.GetValue(threads) is { } t)
            {
                args.Add($"--UPRES_THREADS={t}");
            }

            if (parse.GetValue(provider) is { } p)
            {
                args.Add($"--UPRES_PROVIDER={p}");
            }

            return await UpresServer.RunWorkerAsync([.. args], cancellationToken);
        });
        return command;
    }
}
