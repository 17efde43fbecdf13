using System.CommandLine;
using Upres.Service.Hosting;

namespace Upres.Cli.Commands;

/// `upres serve [--urls URLS] [--workers N] [--db URL] [--storage DIR]`: the job service. With no
/// options, the embedded default: API and one worker in one process, SQLite and a data folder.
/// `--workers 0` makes an API-only node for `upres worker` processes on a shared PostgreSQL.
public static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls")
        {
            Description = $"Listen addresses, separated by ';' (default UPRES_URLS or {UpresServer.DefaultUrls})",
        };
        var workers = new Option<int?>("--workers")
        {
            Description = "Units of work this process runs at once; 0 = API only (default UPRES_WORKERS or 1)",
        };
        var role = new ServiceRoleOptions();
        var command = new Command("serve", "Run the Upres job service (API, web page, workers)") { urls, workers };
        role.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var args = role.ToArgs(parse);
            if (parse.GetValue(urls) is { Length: > 0 } u)
            {
                args.Add($"--urls={u}");
            }

            if (parse.GetValue(workers) is { } n)
            {
                if (n < 0)
                {
                    Console.Error.WriteLine("upres serve: --workers must be 0 or more");
                    return 2;
                }

                args.Add($"--UPRES_WORKERS={n}");
            }

            return await UpresServer.RunAsync([.. args], cancellationToken);
        });
        return command;
    }
}
