using System.Diagnostics;

namespace Upres.Service.Tests.Infrastructure;

/// A small tmpfs mounted over a folder: a real file system that fills up (ENOSPC), then can be
/// remounted bigger in place. Mounting needs root on Linux (CI runs as root); TmpfsFact and
/// TmpfsTheory skip visibly elsewhere. Dispose unmounts (lazily if something still holds it).
public sealed class Tmpfs : IDisposable
{
    private static readonly Lazy<string?> Unavailable = new(Probe);
    private int _unmounted;

    private Tmpfs(string mountPoint) => MountPoint = mountPoint;

    public string MountPoint { get; }

    /// Why a tmpfs cannot be mounted here, or null when it can (probed once per test run).
    public static string? WhyUnavailable => Unavailable.Value;

    public static Tmpfs Mount(string mountPoint, long bytes)
    {
        Directory.CreateDirectory(mountPoint);
        var (exit, error) = Run("mount", "-t", "tmpfs", "-o", $"size={bytes},mode=0700", "tmpfs", mountPoint);
        Assert.True(exit == 0, $"mount -t tmpfs {mountPoint}: {error.Trim()}");
        return new Tmpfs(mountPoint);
    }

    public void Resize(long bytes)
    {
        var (exit, error) = Run("mount", "-o", $"remount,size={bytes}", MountPoint);
        Assert.True(exit == 0, error);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _unmounted, 1) == 0 && Run("umount", MountPoint).Exit != 0)
        {
            Run("umount", "-l", MountPoint);
        }
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return $"mounting a tmpfs needs root on Linux (user {Environment.UserName})";
        }

        var folder = TempDirectory.Create("upres-tmpfs-probe");
        try
        {
            var (exit, error) = Run("mount", "-t", "tmpfs", "-o", "size=4096", "tmpfs", folder);
            if (exit != 0)
            {
                return $"mount -t tmpfs was refused here ({error.Trim()})";
            }

            Run("umount", folder);
            return null;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"mount could not be run ({e.Message})";
        }
        finally
        {
            Directory.Delete(folder);
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
        var error = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, error.Result);
    }
}
