namespace Upres.Engine.Tests;

/// The shared test data (images and clips) lives beside the repository (../shared/testdata), not in it.
internal static class TestData
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string ImagesDirectory => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "testdata", "sr_images"));

    public static bool ImagesAvailable => Directory.Exists(ImagesDirectory);

    public static string MissingImagesMessage => $"test images not found at {ImagesDirectory} (../shared/testdata beside the repository)";

    /// The real-world clips, or null when ../shared/testdata is absent (a user's clone).
    public static string? VideosDirectory { get; } = ExistingOrNull(Path.Combine(RepositoryRoot, "..", "shared", "testdata", "videos"));

    public static string Image(string relativePath) => Path.Combine(ImagesDirectory, relativePath);

    private static string? ExistingOrNull(string path) => Directory.Exists(path) ? Path.GetFullPath(path) : null;

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Upres.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Upres.slnx above {AppContext.BaseDirectory}");
    }
}
