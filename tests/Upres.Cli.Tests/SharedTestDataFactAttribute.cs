namespace Upres.Cli.Tests;

/// A fact that is skipped, with the reason shown, when ../shared/testdata is not beside the repository.
public sealed class SharedTestDataFactAttribute : FactAttribute
{
    public SharedTestDataFactAttribute()
    {
        if (Directory is null)
        {
            Skip = "test data not found (../shared/testdata beside the repository)";
        }
    }

    public static string? Directory { get; } = Find();

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Upres.slnx")))
            {
                var data = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "testdata"));
                return System.IO.Directory.Exists(Path.Combine(data, "sr_images")) ? data : null;
            }
        }

        return null;
    }
}
