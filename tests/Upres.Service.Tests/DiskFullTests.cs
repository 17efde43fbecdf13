using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Upres.Service.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Upres.Service.Tests;

/// The disk fills while a job runs: a small tmpfs stands in for the full file system, either under
/// the worker's scratch folder (ffmpeg's encode runs out of room) or as the storage root (the result
/// cannot be staged). The job fails with storage_full at once, its credits come back, nothing
/// half-written is left or served, and once space is freed the same server completes a job.
/// Mounting needs root (CI runs as root); elsewhere the test says so and does nothing.
[Collection("processing")]
public sealed class DiskFullTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("scratch")]
    [InlineData("storage")]
    public async Task A_job_whose_output_does_not_fit_fails_with_storage_full_releases_its_credits_and_leaves_nothing(string full)
    {
        var data = TempDirectory.Create("upres-diskfull");
        var clip = Clips.Small(seconds: 4);
        var uploadBytes = new FileInfo(clip).Length;
        var mountPoint = Path.Combine(data, full == "scratch" ? "tmp" : "storage");
        // Scratch: room for nothing much. Storage: room for the upload, not for the result beside it.
        var size = full == "scratch" ? 48 * 1024 : ((uploadBytes / 4096) + 3) * 4096;
        if (!Mount(mountPoint, size))
        {
            return;
        }

        try
        {
            await using var server = await UpresTestServer.StartAsync(new Dictionary<string, string?>
            {
                ["UPRES_DATA"] = data,
                ["UPRES_STORAGE"] = full == "storage" ? mountPoint : null,
                ["UPRES_WORKERS"] = "1",
                ["UPRES_MIN_FREE_MB"] = "0",
            }, dataDirectory: data);
            var storageRoot = full == "storage" ? mountPoint : data;
            var (_, client, _) = await server.CreateAccountAsync(credits: 100);
            var upload = await client.UploadIdAsync(clip);

            var job = await RunAsync(client, upload);

            Assert.Equal("failed", (string)job["status"]!);
            Assert.Equal("storage_full", (string)job["error"]!["code"]!);
            Assert.Contains("(reference err_", (string)job["error"]!["message"]!, StringComparison.Ordinal);
            Assert.Null(job["result"]);
            var me = await (await client.GetAsync("/v1/account")).ReadObjectAsync();
            Assert.Equal(0, (long)me["account"]!["reserved"]!);
            Assert.Equal(100, (long)me["account"]!["balance"]!);
            Assert.Equal(["release", "reserve", "grant"], me["ledger"]!.AsArray().Select(e => (string)e!["kind"]!));
            Assert.Equal(uploadBytes, (long)me["account"]!["storage"]!["used_bytes"]!);
            Assert.False(Directory.Exists(Path.Combine(storageRoot, "results", (string)job["id"]!)));
            Assert.Empty(FilesUnder(Path.Combine(storageRoot, ".staging")));
            Assert.Empty(FilesUnder(Path.Combine(data, "tmp")));

            // Space is freed: the same server, the same upload, a completed job with a result to download.
            Remount(mountPoint, 256L * 1024 * 1024);
            var again = await RunAsync(client, upload);
            Assert.Equal("completed", (string)again["status"]!);
            using var anonymous = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync((string)again["result"]!["url"]!)).StatusCode);
        }
        finally
        {
            Unmount(mountPoint);
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<System.Text.Json.Nodes.JsonObject> RunAsync(HttpClient client, string upload)
    {
        var create = await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, use_sr = false, scale = 2 });
        Assert.True(create.IsSuccessStatusCode, await create.Content.ReadAsStringAsync());
        return await client.JobFinishedAsync((string)(await create.ReadObjectAsync())["id"]!);
    }

    private static string[] FilesUnder(string folder)
        => Directory.Exists(folder) ? Directory.GetFileSystemEntries(folder, "*", SearchOption.AllDirectories) : [];

    private bool Mount(string mountPoint, long bytes)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            output.WriteLine($"not run: mounting a tmpfs needs root on Linux (user {Environment.UserName})");
            return false;
        }

        Directory.CreateDirectory(mountPoint);
        var (exit, error) = Run("mount", "-t", "tmpfs", "-o", $"size={bytes},mode=0700", "tmpfs", mountPoint);
        if (exit != 0)
        {
            output.WriteLine($"not run: mount -t tmpfs was refused here ({error.Trim()})");
            return false;
        }

        return true;
    }

    private static void Remount(string mountPoint, long bytes)
    {
        var (exit, error) = Run("mount", "-o", $"remount,size={bytes}", mountPoint);
        Assert.True(exit == 0, error);
    }

    private static void Unmount(string mountPoint)
    {
        if (Run("umount", mountPoint).Exit != 0)
        {
            Run("umount", "-l", mountPoint);
        }
    }

    private static (int Exit, string Error) Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, error);
    }
}
