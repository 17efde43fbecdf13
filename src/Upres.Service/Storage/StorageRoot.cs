using Microsoft.Extensions.Options;
using Upres.Service.Hosting;

namespace Upres.Service.Storage;

/// The shared storage root and the keys files are known by in the database ("uploads/upl_x",
/// "results/job_x/result.mp4"): every node resolves a key under its own mount of the root, so no
/// machine's absolute path is ever stored. Files become visible only through Publish (fsynced, then
/// renamed into place), so a reader never sees half a file.
public sealed class StorageRoot(IOptions<UpresOptions> options)
{
    private const string StagingFolder = ".staging";

    public string Root => options.Value.StorageDirectory;

    public static string UploadKey(string uploadId) => $"uploads/{uploadId}";

    public static string InputKey(string jobId) => $"inputs/{jobId}";

    public static string ResultKey(string jobId, string extension) => $"results/{jobId}/result{extension}";

    public static string ResultFolderKey(string jobId) => $"results/{jobId}";

    /// The file behind a key. Rows written before keys existed hold an absolute path; it is used as is.
    public string PathOf(string key)
    {
        if (Path.IsPathRooted(key))
        {
            return key;
        }

        if (key.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new ArgumentException($"'{key}' is not a storage key", nameof(key));
        }

        return Path.Combine(Root, key);
    }

    /// A new file for a key, written in place by a request that owns the key outright (an upload):
    /// the folder is made, the caller writes and flushes.
    public string PrepareWrite(string key)
    {
        var path = PathOf(key);
        CreateFolder(Path.GetDirectoryName(path)!);
        return path;
    }

    /// A local scratch file for this node (never shared, never stored in the database).
    public string ScratchPath(string name)
    {
        OwnerOnly.CreateDirectory(options.Value.TempDirectory);
        return Path.Combine(options.Value.TempDirectory, name);
    }

    /// Copies a finished scratch file onto the shared root under a name nobody reads, fsynced. The
    /// caller then Places it under its key while it holds its lease, or Discards it.
    public async Task<StagedFile> StageAsync(string scratchFile, string tag, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Root, StagingFolder);
        CreateFolder(folder);
        var staged = Path.Combine(folder, $"{tag}-{Guid.NewGuid():N}{Path.GetExtension(scratchFile)}");
        try
        {
            await using (var source = new FileStream(scratchFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan))
            await using (var target = new FileStream(staged, OwnerOnly.NewFile(FileAccess.Write, FileOptions.Asynchronous)))
            {
                await source.CopyToAsync(target, cancellationToken);
                await target.FlushAsync(cancellationToken);
                target.Flush(flushToDisk: true);
            }

            return new StagedFile(staged, new FileInfo(staged).Length);
        }
        catch
        {
            TryDeleteFile(staged);
            throw;
        }
    }

    /// Moves a staged file to its key (a rename on one file system, so atomic) and syncs the folder so
    /// the rename survives a crash. Called inside the fenced commit: only the lease holder gets here.
    public void Place(StagedFile staged, string key)
    {
        var path = PathOf(key);
        var folder = Path.GetDirectoryName(path)!;
        CreateFolder(folder);
        if (!File.Exists(staged.Path) && File.Exists(path) && new FileInfo(path).Length == staged.SizeBytes)
        {
            // An earlier try of the same fenced commit placed it, and its transaction did not commit (a
            // full database disk): the retry finds the file already where it goes.
            SyncFolder(folder);
            return;
        }

        File.Move(staged.Path, path, overwrite: true);
        SyncFolder(folder);
    }

    public void Discard(StagedFile staged) => TryDeleteFile(staged.Path);

    public void DeleteFile(string key) => TryDeleteFile(PathOf(key));

    public void DeleteFolder(string key)
    {
        var path = PathOf(key);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    /// Staged files left by a worker that died between staging and placing.
    public void SweepStaging(DateTimeOffset olderThan)
    {
        var folder = Path.Combine(Root, StagingFolder);
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(folder))
        {
            if (File.GetLastWriteTimeUtc(file) < olderThan.UtcDateTime)
            {
                TryDeleteFile(file);
            }
        }
    }

    /// Every folder from the root down is owner-only (tenants' files; see OwnerOnly).
    private void CreateFolder(string folder)
    {
        var relative = Path.GetRelativePath(Root, folder);
        var current = Root;
        OwnerOnly.CreateDirectory(current);
        if (relative == "." || relative.StartsWith("..", StringComparison.Ordinal))
        {
            OwnerOnly.CreateDirectory(folder);
            return;
        }

        foreach (var part in relative.Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, part);
            OwnerOnly.CreateDirectory(current);
        }
    }

    private static void SyncFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            using var handle = File.OpenHandle(folder, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            RandomAccess.FlushToDisk(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Some file systems refuse to open a folder; the file itself was synced before the rename.
        }
    }

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}

/// A file copied onto the shared root, synced, not yet visible under any key.
public sealed record StagedFile(string Path, long SizeBytes);
