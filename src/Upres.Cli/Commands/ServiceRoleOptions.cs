using System.CommandLine;

namespace Upres.Cli.Commands;

/// The options `serve` and `worker` share: where the database, the shared storage and this node's
/// own data folder are. Each becomes the UPRES_* setting of the same meaning.
internal sealed class ServiceRoleOptions
{
    public Option<string?> Data { get; } = new("--data") { Description = "This node's folder: SQLite database, admin key, scratch files (default UPRES_DATA)" };

    public Option<string?> Db { get; } = new("--db") { Description = "postgres://user:password@host:port/database to share one PostgreSQL between nodes (default UPRES_DB_CONNECTION, else SQLite in the data folder)" };

    public Option<string?> Storage { get; } = new("--storage") { Description = "Storage root shared by every node (uploads, inputs, results); a network file system mount across machines (default UPRES_STORAGE, else the data folder)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(Db);
        command.Options.Add(Storage);
    }

    public List<string> ToArgs(ParseResult parse)
    {
        var args = new List<string>();
        if (parse.GetValue(Data) is { Length: > 0 } d)
        {
            args.Add($"--UPRES_DATA={d}");
        }

        if (parse.GetValue(Db) is { Length: > 0 } db)
        {
            args.Add("--UPRES_DB=postgres");
            args.Add($"--UPRES_DB_CONNECTION={db}");
        }

        if (parse.GetValue(Storage) is { Length: > 0 } s)
        {
            args.Add($"--UPRES_STORAGE={s}");
        }

        return args;
    }
}
