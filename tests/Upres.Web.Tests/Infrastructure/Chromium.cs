using System.Diagnostics;

namespace Upres.Web.Tests.Infrastructure;

/// Debian's Chromium (apt `chromium`, installed by ./test.sh). Tests skip with this message when it
/// cannot start here.
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly Lazy<string?> Problem = new(Probe);

    public static string? WhyUnavailable => Problem.Value;

    private static string? Probe()
    {
        if (!File.Exists(ExecutablePath))
        {
            return $"{ExecutablePath} is missing (apt-get install chromium; ./test.sh does it): the browser tests are skipped";
        }

        var psi = new ProcessStartInfo(ExecutablePath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "about:blank"])
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                p.Kill(entireProcessTree: true);
                return "Chromium did not start within 60 s: the browser tests are skipped";
            }

            return p.ExitCode == 0 && stdout.Result.Contains("<html", StringComparison.Ordinal)
                ? null
                : $"Chromium cannot start here (exit {p.ExitCode}: {stderr.Result.Trim().Split('\n').LastOrDefault()}): the browser tests are skipped";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"Chromium cannot start here ({e.Message}): the browser tests are skipped";
        }
    }
}

/// A test that needs a real browser: skipped, with the reason, where Chromium cannot start.
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Chromium.WhyUnavailable is { } why)
        {
            Skip = why;
        }
    }
}
