using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Upres.Engine.Media;

/// One running child. Stdout and stderr are pumped concurrently so neither pipe can fill and stall it;
/// cancellation first asks politely (SIGINT: ffmpeg then finishes and closes its output) and kills the
/// whole tree when that takes longer than the grace period.
public sealed partial class ChildProcess : IAsyncDisposable
{
    private const int SigInt = 2;

    private readonly Process _process;
    private readonly ProcessOptions _options;
    private readonly Queue<string> _stderrTail = new();
    private readonly StringBuilder _stdout = new();
    private readonly Task _stderrPump;
    private readonly Task _stdoutPump;
    private readonly long _startedAt;
    private int _stopRequested;

    private ChildProcess(Process process, ProcessOptions options, string commandLine)
    {
        _process = process;
        _options = options;
        CommandLine = commandLine;
        _startedAt = Stopwatch.GetTimestamp();
        _stderrPump = Task.Run(PumpStderrAsync);
        _stdoutPump = options.CaptureStandardOutput ? Task.Run(PumpStdoutAsync) : Task.CompletedTask;
    }

    public string CommandLine { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// Only when ProcessOptions.CaptureStandardOutput is false.
    public Stream StandardOutput => _options.CaptureStandardOutput
        ? throw new InvalidOperationException("stdout is being captured")
        : _process.StandardOutput.BaseStream;

    public Stream StandardInput => _options.RedirectStandardInput
        ? _process.StandardInput.BaseStream
        : throw new InvalidOperationException("stdin was not redirected");

    public IReadOnlyList<string> StderrTail
    {
        get
        {
            lock (_stderrTail)
            {
                return [.. _stderrTail];
            }
        }
    }

    internal static ChildProcess Start(string fileName, IEnumerable<string> arguments, ProcessOptions options)
    {
        var info = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = options.RedirectStandardInput,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var commandLine = FormatCommandLine(fileName, info.ArgumentList);
        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new ProcessFailedException(commandLine, ProcessFailedException.NotStarted, [e.Message]);
        }

        Pipeline.Niceness.LowerProcess(process.Id, options.Niceness);
        return new ChildProcess(process, options, commandLine);
    }

    /// Waits for the exit; cancellation stops the child (gracefully, then by force) before it throws.
    public async Task<ProcessResult> WaitAsync(CancellationToken cancellationToken)
    {
        using var timeout = _options.Timeout is { } limit ? new CancellationTokenSource(limit) : null;
        using var linked = timeout is null
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        await using (linked.Token.Register(() => _ = StopAsync()))
        {
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await Task.WhenAll(_stderrPump, _stdoutPump).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (timeout?.IsCancellationRequested == true)
        {
            throw new TimeoutException($"'{CommandLine}' did not finish within {_options.Timeout}");
        }

        var result = new ProcessResult(_process.ExitCode, _stdout.ToString(), StderrTail, Stopwatch.GetElapsedTime(_startedAt));
        if (_options.ThrowOnNonZeroExit && result.ExitCode != 0)
        {
            throw new ProcessFailedException(CommandLine, result.ExitCode, result.StderrTail);
        }

        return result;
    }

    /// SIGINT, then a forced kill of the tree after the grace period. Safe to call more than once.
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) == 1 || _process.HasExited)
        {
            return;
        }

        if (!OperatingSystem.IsWindows() && _options.GracefulStopTimeout > TimeSpan.Zero)
        {
            _ = SendSignal(_process.Id, SigInt);
            using var grace = new CancellationTokenSource(_options.GracefulStopTimeout);
            try
            {
                await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException)
            {
                // It ignored SIGINT or is blocked writing to a pipe nobody reads: fall through to the kill.
            }
        }

        Kill();
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            try
            {
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Unkillable (D state); nothing more we can do from here.
            }
        }

        try
        {
            await Task.WhenAll(_stderrPump, _stdoutPump).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        _process.Dispose();
    }

    private async Task PumpStderrAsync()
    {
        var reader = _process.StandardError;
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            _options.OnStandardErrorLine?.Invoke(line);
            if (_options.IsNoise?.Invoke(line) == true)
            {
                continue;
            }

            lock (_stderrTail)
            {
                _stderrTail.Enqueue(line);
                while (_stderrTail.Count > _options.StderrTailLines)
                {
                    _stderrTail.Dequeue();
                }
            }
        }
    }

    private async Task PumpStdoutAsync()
    {
        var buffer = new char[8192];
        var reader = _process.StandardOutput;
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            _stdout.Append(buffer, 0, read);
        }
    }

    private static string FormatCommandLine(string fileName, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { fileName }.Concat(arguments).Select(Quote));

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./:=+,@%".Contains(c, StringComparison.Ordinal))
            ? argument
            : string.Create(CultureInfo.InvariantCulture, $"'{argument.Replace("'", "'\\''", StringComparison.Ordinal)}'");

    private static int SendSignal(int pid, int signal) => NativeKill(pid, signal);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int NativeKill(int pid, int signal);
}
