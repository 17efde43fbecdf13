using System.Diagnostics;
using Upres.Engine.Media;

namespace Upres.Engine.Tests.Media;

public class ProcessRunnerTests
{
    [Fact]
    public async Task Stdout_is_captured_and_arguments_are_passed_verbatim()
    {
        var result = await ProcessRunner.RunAsync("printf", ["%s|", "a b", "it's", "$HOME"], CancellationToken.None);

        Assert.Equal("a b|it's|$HOME|", result.StandardOutput);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task A_non_zero_exit_throws_with_the_command_line_and_the_tail_of_stderr()
    {
        var e = await Assert.ThrowsAsync<ProcessFailedException>(() =>
            ProcessRunner.RunAsync("sh", ["-c", "for i in $(seq 1 100); do echo line$i >&2; done; exit 3"], CancellationToken.None));

        Assert.Equal(3, e.ExitCode);
        Assert.StartsWith("sh -c", e.CommandLine, StringComparison.Ordinal);
        Assert.Equal("line100", e.StderrTail[^1]);
        Assert.Equal(30, e.StderrTail.Count);
        Assert.Contains("line100", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_executable_is_a_process_failure_not_a_crash()
    {
        var e = await Assert.ThrowsAsync<ProcessFailedException>(() =>
            ProcessRunner.RunAsync("/nonexistent/upres-tool", [], CancellationToken.None));

        Assert.Contains("/nonexistent/upres-tool", e.CommandLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Large_stdout_and_stderr_at_once_do_not_deadlock()
    {
        var result = await ProcessRunner.RunAsync(
            "sh", ["-c", "head -c 2000000 /dev/zero | tr '\\0' e >&2; head -c 2000000 /dev/zero | tr '\\0' o; echo"],
            CancellationToken.None, new ProcessOptions { Timeout = TimeSpan.FromSeconds(30) });

        Assert.Equal(2_000_001, result.StandardOutput.Length);
    }

    [Upres.Tests.InterruptFact]
    public async Task Cancelling_stops_a_hanging_child_and_it_is_really_gone()
    {
        // A grace far longer than the bound, so only SIGINT (not the kill after the grace) can end
        // it in time, however loaded the machine.
        await using var child = ProcessRunner.Start("sleep", ["60"], new ProcessOptions { GracefulStopTimeout = TimeSpan.FromSeconds(45) });
        var pid = child.Id;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => child.WaitAsync(cts.Token));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"SIGINT should end sleep at once, took {watch.Elapsed}");
        Assert.True(child.HasExited);
        Assert.False(IsAlive(pid));
    }

    [Fact]
    public async Task A_child_that_ignores_SIGINT_is_killed_after_the_grace_period_with_its_children()
    {
        var options = new ProcessOptions { GracefulStopTimeout = TimeSpan.FromMilliseconds(300) };
        await using var child = ProcessRunner.Start("sh", ["-c", "trap '' INT; sleep 60 & echo $!; wait"], options with { CaptureStandardOutput = false });
        var grandchild = int.Parse(await new StreamReader(child.StandardOutput).ReadLineAsync() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => child.WaitAsync(cts.Token));

        Assert.True(child.HasExited);
        await WaitUntilGone(grandchild);
        Assert.False(IsAlive(grandchild));
    }

    [Fact]
    public async Task A_timeout_stops_the_child_and_says_so()
    {
        var options = new ProcessOptions { Timeout = TimeSpan.FromMilliseconds(200) };

        await Assert.ThrowsAsync<TimeoutException>(() => ProcessRunner.RunAsync("sleep", ["60"], CancellationToken.None, options));
    }

    [Fact]
    public async Task Cancelling_ffmpeg_lets_it_finish_a_playable_file()
    {
        var dir = Directory.CreateTempSubdirectory("upres-proc-");
        try
        {
            var output = Path.Combine(dir.FullName, "out.mkv");
            await using var child = ProcessRunner.Start("ffmpeg",
            [
                "-hide_banner", "-nostdin", "-re", "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25", "-t", "600",
                "-c:v", "libx264", "-preset", "ultrafast", output,
            ]);
            // Under load ffmpeg may take a while to start writing: cancel once it has.
            for (var i = 0; i < 200 && !(File.Exists(output) && new FileInfo(output).Length > 0); i++)
            {
                await Task.Delay(100);
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => child.WaitAsync(cts.Token));

            var probe = await ProcessRunner.RunAsync("ffprobe",
                ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", output], CancellationToken.None);
            var duration = double.Parse(probe.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(duration, 0.2, 60);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            // A zombie ('Z') has exited; only its parent has not collected it yet.
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task WaitUntilGone(int pid)
    {
        for (var i = 0; i < 50 && IsAlive(pid); i++)
        {
            await Task.Delay(50);
        }
    }
}
