using System.Net.Http.Json;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// The data folder, the database (webhook secrets, the link-signing key), uploads and results are
/// readable by their owner only, whatever the umask, and a data folder left wide open is narrowed.
[Collection("processing")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileModesTests
{
    private const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Every_folder_and_file_the_service_writes_is_owner_only()
    {
        var data = TempDirectory.Create("upres-modes");
        // A folder someone made with the usual 0755, and a umask that would leave new files readable.
        File.SetUnixFileMode(data, OwnerFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        await using var server = await UpresTestServer.StartAsync(dataDirectory: data);
        var (_, client, _) = await server.CreateAccountAsync(credits: 50);
        var upload = await client.UploadIdAsync(Clips.Tiny(seconds: 0.4));
        var created = await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, scale = 2 })).ReadObjectAsync();
        var id = (string)created["id"]!;
        var job = await client.JobFinishedAsync(id);
        Assert.Equal("completed", (string)job["status"]!);
        (await server.Client().GetAsync("/readyz")).EnsureSuccessStatusCode();

        Assert.Equal(OwnerFolder, File.GetUnixFileMode(data));
        foreach (var folder in new[] { "uploads", "results", Path.Combine("results", id), "tmp" })
        {
            Assert.True(File.GetUnixFileMode(Path.Combine(data, folder)) == OwnerFolder, $"{folder}: {File.GetUnixFileMode(Path.Combine(data, folder))}");
        }

        var files = new[] { "upres.db", "upres.db-wal", Path.Combine("uploads", upload) }
            .Concat(Directory.GetFiles(Path.Combine(data, "results", id)).Select(f => Path.GetRelativePath(data, f)))
            .ToList();
        Assert.Contains(files, f => f.StartsWith("results", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var mode = File.GetUnixFileMode(Path.Combine(data, file));
            Assert.True(mode == OwnerFile, $"{file}: {mode}");
        }
    }
}
