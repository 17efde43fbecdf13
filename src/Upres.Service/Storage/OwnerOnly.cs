namespace Upres.Service.Storage;

/// The data folder holds webhook secrets, the link-signing key, tenants' uploads and results: other
/// local users may read none of it, whatever the umask. Folders are 0700 and files 0600; a folder
/// that already exists with wider modes is narrowed.
public static class OwnerOnly
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupAndOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static string CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return path;
        }

        var info = Directory.CreateDirectory(path, FolderMode);
        if ((info.UnixFileMode & GroupAndOthers) != 0)
        {
            info.UnixFileMode &= ~GroupAndOthers;
        }

        return path;
    }

    /// Narrows a file someone else created (ffmpeg's output, SQLite's database) to 0600.
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path) && (File.GetUnixFileMode(path) & GroupAndOthers) != 0)
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) & ~GroupAndOthers);
        }
    }

    /// Options that create a new file as 0600 from the first byte (no window between create and chmod).
    public static FileStreamOptions NewFile(FileAccess access = FileAccess.Write, FileOptions options = FileOptions.None)
    {
        var create = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = access, Share = FileShare.None, Options = options, BufferSize = 1 };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = FileMode;
        }

        return create;
    }
}
