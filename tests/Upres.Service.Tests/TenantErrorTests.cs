using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// A failed job tells its tenant a code and a sentence with a reference, never a server path,
/// ffmpeg's stderr or a command line; the detail is in the server's log under that reference.
[Collection("processing")]
public sealed class TenantErrorTests
{
    [Fact]
    public async Task A_failed_job_s_error_is_a_code_and_a_sentence_and_the_detail_is_logged_under_its_reference()
    {
        var log = new LogLines();
        await using var server = await UpresTestServer.StartAsync(configure: b => b.Services.AddSingleton<ILoggerProvider>(log));
        var (_, client, _) = await server.CreateAccountAsync(credits: 50);
        var copy = Path.Combine(server.DataDirectory, "vanishing.mp4");
        File.Copy(Clips.Tiny(), copy);
        var upload = await client.UploadIdAsync(copy);
        File.Delete(Path.Combine(server.DataDirectory, "uploads", upload));

        var id = (string)(await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload } })).ReadObjectAsync())["id"]!;
        var job = await client.JobFinishedAsync(id);

        Assert.Equal("failed", (string)job["status"]!);
        var message = (string)job["error"]!["message"]!;
        Assert.DoesNotContain(server.DataDirectory, message, StringComparison.Ordinal);
        Assert.DoesNotContain("/", message, StringComparison.Ordinal);
        Assert.DoesNotContain("ffmpeg", message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("ffprobe", message, StringComparison.OrdinalIgnoreCase);
        var reference = System.Text.RegularExpressions.Regex.Match(message, @"\(reference (err_[0-9a-f]+)\)$").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(reference), message);
        var logged = Assert.Single(log.Lines, l => l.Contains(reference, StringComparison.Ordinal));
        Assert.Contains(upload, logged, StringComparison.Ordinal);
    }

    private sealed class LogLines : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception.Message));
        }
    }
}
