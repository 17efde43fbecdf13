using System.CommandLine;
using Upres.Service.Hosting;

namespace Upres.Cli.Commands;

/// `upres serve [--urls URLS]`: the job service with the embedded defaults (SQLite and a data folder).
public static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls")
        {
            Description = $"Listen addresses, separated by ';' (default UPRES_URLS or {UpresServer.DefaultUrls})",
        };
        var data = new Option<string?>("--data")
        {
            Description = "Data folder for the database, uploads and results (default UPRES_DATA)",
        };
        var command = new Command("serve", "Run the Upres job service (API, web page, workers)") { urls, data };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var args = new List<string>();
            if (parse.GetValue(urls) is { Length: > 0 } u)
            {
                args.Add($"--urls={u}");
            }

            if (parse.GetValue(data) is { Length: > 0 } d)
            {
                args.Add($"--UPRES_DATA={d}");
            }

            return await UpresServer.RunAsync([.. args], cancellationToken);
        });
        return command;
    }
}
