using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Upres.Service.Hosting;
using Upres.Service.Metrics;
using Upres.Service.Problems;
using Upres.Service.Security;

namespace Upres.Service.Webhooks;

/// Sends outbox messages: signed, through the SSRF-safe client, redirects not followed, retried
/// with exponential backoff and jitter for up to a day; a 410 disables the message. Up to
/// UPRES_WEBHOOK_CONCURRENCY attempts run at once, at most UPRES_WEBHOOK_PER_DESTINATION of them to
/// one destination, so a receiver that never answers delays only its own messages. A job's messages
/// go one at a time in the order they were written (the store's DueAsync).
public sealed partial class WebhookDispatcher(
    IWebhookStore store,
    WebhookAttemptPayload attemptPayload,
    IEnumerable<IWebhookHeaderSigner> signers,
    [FromKeyedServices(UrlGuard.Webhooks)] UrlGuard guard,
    UpresMetrics metrics,
    IOptions<UpresOptions> options,
    IOptions<WebhookDeliveryOptions> delivery,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromDays(1);

    private readonly HttpClient _client = SafeHttp.CreateClient(guard, delivery.Value.Timeout);
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _slotFreed = new(0);
    private readonly Outage _outage = new(clock);
    private int _running;

    /// Delay before attempt n+1 (n >= 1): base, 2 base, 4 base ... capped at 4 h, times a jitter of 0.75..1.25.
    public static TimeSpan Backoff(int attempt, double jitter01, TimeSpan first)
    {
        var seconds = Math.Min(first.TotalSeconds * Math.Pow(2, Math.Min(30, Math.Max(0, attempt - 1))), 4 * 3600);
        return TimeSpan.FromSeconds(seconds * (0.75 + (0.5 * jitter01)));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(Math.Min(options.Value.PollMilliseconds, 1000));
        var limits = delivery.Value;
        // A claim outlives the attempt's deadline, so a crashed sender's message is taken over after it.
        var hold = limits.Timeout + TimeSpan.FromSeconds(30);
        var sends = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var started = 0;
                if (Volatile.Read(ref _running) < limits.Concurrency)
                {
                    started = await StartDueAsync(limits, hold, sends, stoppingToken);
                }

                sends.RemoveAll(t => t.IsCompleted);
                if (_outage.Succeeded() is { } lasted)
                {
                    LogBack(lasted.TotalSeconds);
                }

                if (started == 0)
                {
                    // Wakes early when an attempt ends: its destination or its job may have more to send.
                    await _slotFreed.WaitAsync(poll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (Outage.Is(e))
            {
                if (_outage.Failed())
                {
                    LogOutage(e.Message);
                }

                await Task.Delay(TimeSpan.FromSeconds(2), clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception e)
            {
                LogError(e);
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        await Task.WhenAll(sends).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task<int> StartDueAsync(WebhookDeliveryOptions limits, TimeSpan hold, List<Task> sends, CancellationToken stoppingToken)
    {
        string[] busy;
        lock (_gate)
        {
            busy = [.. _inFlight.Where(kv => kv.Value >= limits.PerDestination).Select(kv => kv.Key)];
        }

        var free = limits.Concurrency - Volatile.Read(ref _running);
        var due = await store.DueAsync(busy, free * 4, stoppingToken);
        var started = 0;
        foreach (var candidate in due)
        {
            if (Volatile.Read(ref _running) >= limits.Concurrency)
            {
                break;
            }

            // Rows written before the destination column existed have none; the URL says it.
            var destination = candidate.Destination is { Length: > 0 } d ? d : WebhookDestination.Of(candidate.Url);
            lock (_gate)
            {
                if (_inFlight.GetValueOrDefault(destination) >= limits.PerDestination)
                {
                    continue;
                }
            }

            if (await store.ClaimAsync(candidate.Id, hold, stoppingToken) is not { } message)
            {
                continue;
            }

            lock (_gate)
            {
                _inFlight[destination] = _inFlight.GetValueOrDefault(destination) + 1;
            }

            Interlocked.Increment(ref _running);
            sends.Add(SendAsync(message, destination, stoppingToken));
            started++;
        }

        return started;
    }

    private async Task SendAsync(WebhookMessage message, string destination, CancellationToken stoppingToken)
    {
        try
        {
            await DeliverAsync(message, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the message goes back unsent, without counting an attempt.
            await store.ReleaseAsync(message.Id, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (Exception e)
        {
            LogError(e);
        }
        finally
        {
            lock (_gate)
            {
                if (--_inFlight[destination] == 0)
                {
                    _inFlight.Remove(destination);
                }
            }

            Interlocked.Decrement(ref _running);
            _slotFreed.Release();
        }
    }

    public async Task DeliverAsync(WebhookMessage message, CancellationToken cancellationToken)
    {
        var attempt = message.Attempts + 1;
        var at = clock.GetUtcNow();
        var secrets = await store.SecretsAsync(message.AccountId, at, cancellationToken);
        var timestamp = at.ToUnixTimeSeconds();
        var body = await attemptPayload.RenderAsync(message, cancellationToken);
        int? code = null;
        string? error = null;
        var sw = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, UrlGuard.ParseAndCheckForm(message.Url));
            request.Content = new StringContent(body, System.Text.Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(message.ContentType);
            request.Headers.TryAddWithoutValidation("webhook-id", message.Id);
            request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation("webhook-signature", WebhookSignature.SignWithEach(secrets, message.Id, timestamp, body));
            foreach (var signer in signers.Where(s => s.Dialect == message.Dialect))
            {
                await signer.AddHeadersAsync(message with { Payload = body }, timestamp, request.Headers, cancellationToken);
            }

            request.Headers.UserAgent.ParseAdd("Upres-Webhooks/1.0");
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            code = (int)response.StatusCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ServiceException e)
        {
            error = e.Error.Detail ?? e.Error.Title;
        }
        catch (Exception e)
        {
            error = e.Message;
            for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            {
                if (inner is ServiceException se)
                {
                    error = se.Error.Detail ?? se.Error.Title;
                }
            }
        }

        var record = new WebhookAttempt(attempt, at, code, error, sw.ElapsedMilliseconds);
        if (code is >= 200 and < 300)
        {
            metrics.WebhookDelivered();
            await store.RecordAttemptAsync(message, record, body, WebhookStatus.Delivered, null, CancellationToken.None);
            return;
        }

        metrics.WebhookFailed();
        if (code == (int)HttpStatusCode.Gone)
        {
            await store.RecordAttemptAsync(message, record, body, WebhookStatus.Disabled, null, CancellationToken.None);
            return;
        }

        // 3xx lands here too: a redirect is not followed, it is a failed attempt.
        var next = at + Backoff(attempt, Random.Shared.NextDouble(), delivery.Value.RetryBase);
        var status = next - message.CreatedAt > GiveUpAfter ? WebhookStatus.Failed : WebhookStatus.Pending;
        await store.RecordAttemptAsync(message, record with { Error = error ?? $"HTTP {code}" }, body, status, status == WebhookStatus.Pending ? next : null, CancellationToken.None);
    }

    public override void Dispose()
    {
        _client.Dispose();
        _slotFreed.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "webhook dispatcher error")]
    private partial void LogError(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "webhooks wait: the database or the disk is unavailable or full ({Reason}); said again each minute it lasts")]
    private partial void LogOutage(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "webhooks flow again after {Seconds:0} s")]
    private partial void LogBack(double seconds);
}
