using System.Globalization;
using System.Text;

namespace Upres.Web.Tests.Infrastructure;

/// Every process a test starts (the server, its ffmpeg children, Chromium and its helpers) carries a
/// marker in its environment, inherited by whatever it starts; after the test none may remain,
/// orphans included (which a parent-child walk would miss).
public static class ProcessLeaks
{
    public const string MarkerVariable = "UPRES_WEB_TEST_MARKER";

    public static IReadOnlyList<string> Find(string marker)
    {
        var needle = Encoding.ASCII.GetBytes($"{MarkerVariable}={marker}\0");
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var environ = File.ReadAllBytes(Path.Combine(dir, "environ"));
                if (environ.AsSpan().IndexOf(needle) >= 0 && !IsZombie(dir))
                {
                    found.Add($"{pid} {File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim()}");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return found;
    }

    /// Waits up to `grace` for the marked processes to go; throws naming the ones that stayed.
    public static async Task AssertGoneAsync(string marker, TimeSpan grace)
    {
        var deadline = DateTimeOffset.UtcNow + grace;
        IReadOnlyList<string> left;
        while ((left = Find(marker)).Count > 0 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        if (left.Count > 0)
        {
            throw new InvalidOperationException($"processes left behind by the test:\n{string.Join('\n', left)}");
        }
    }

    private static bool IsZombie(string dir)
    {
        var stat = File.ReadAllText(Path.Combine(dir, "stat"));
        var close = stat.LastIndexOf(')');
        return close > 0 && close + 2 < stat.Length && stat[close + 2] == 'Z';
    }
}
