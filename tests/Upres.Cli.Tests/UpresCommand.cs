using System.Diagnostics;

namespace Upres.Cli.Tests;

/// Runs the real `upres` assembly built beside these tests, as a child process.
internal static class UpresCommand
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    public static Process Start(params string[] args) => Start(new Dictionary<string, string?>(), args);

    /// Starts `upres ARGS` with these environment variables changed (null removes one).
    public static Process Start(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        // The host by its full path, so a test may take PATH away from upres itself.
        var psi = new ProcessStartInfo(Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "upres.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                psi.Environment.Remove(name);
            }
            else
            {
                psi.Environment[name] = value;
            }
        }

        return Process.Start(psi)!;
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string?>(), args);

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var process = Start(environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// Makes a clip with ffmpeg from the given arguments; returns its path.
    public static async Task<string> MakeClipAsync(string directory, string name, params string[] ffmpegArgs)
    {
        var path = Path.Combine(directory, name);
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var a in (string[])["-hide_banner", "-nostdin", "-loglevel", "error", "-y", .. ffmpegArgs, path])
        {
            psi.ArgumentList.Add(a);
        }

        using var ffmpeg = Process.Start(psi)!;
        var err = await ffmpeg.StandardError.ReadToEndAsync();
        await ffmpeg.WaitForExitAsync();
        Assert.True(ffmpeg.ExitCode == 0, err);
        return path;
    }
}
