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
/// with exponential backoff and jitter for up to a day; a 410 disables the message.
public sealed partial class WebhookDispatcher(
    IWebhookStore store,
    IEnumerable<IWebhookHeaderSigner> signers,
    [FromKeyedServices(UrlGuard.Webhooks)] UrlGuard guard,
    UpresMetrics metrics,
    IOptions<UpresOptions> options,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromDays(1);

    private readonly HttpClient _client = SafeHttp.CreateClient(guard, TimeSpan.FromSeconds(15));

    /// Delay before attempt n+1 (n >= 1): base, 2 base, 4 base ... capped at 4 h, times a jitter of 0.75..1.25.
    public static TimeSpan Backoff(int attempt, double jitter01, TimeSpan first)
    {
        var seconds = Math.Min(first.TotalSeconds * Math.Pow(2, Math.Min(30, Math.Max(0, attempt - 1))), 4 * 3600);
        return TimeSpan.FromSeconds(seconds * (0.75 + (0.5 * jitter01)));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(Math.Min(options.Value.PollMilliseconds, 1000));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var message = await store.ClaimDueAsync(TimeSpan.FromMinutes(1), stoppingToken);
                if (message is null)
                {
                    await Task.Delay(poll, clock, stoppingToken);
                    continue;
                }

                await DeliverAsync(message, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogError(e);
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    public async Task DeliverAsync(WebhookMessage message, CancellationToken cancellationToken)
    {
        var attempt = message.Attempts + 1;
        var at = clock.GetUtcNow();
        var secrets = await store.SecretsAsync(message.AccountId, at, cancellationToken);
        var timestamp = at.ToUnixTimeSeconds();
        int? code = null;
        string? error = null;
        var sw = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, UrlGuard.ParseAndCheckForm(message.Url));
            request.Content = new StringContent(message.Payload, System.Text.Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(message.ContentType);
            request.Headers.TryAddWithoutValidation("webhook-id", message.Id);
            request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation("webhook-signature", WebhookSignature.SignWithEach(secrets, message.Id, timestamp, message.Payload));
            foreach (var signer in signers.Where(s => s.Dialect == message.Dialect))
            {
                await signer.AddHeadersAsync(message, timestamp, request.Headers, cancellationToken);
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
            await store.RecordAttemptAsync(message, record, WebhookStatus.Delivered, null, CancellationToken.None);
            return;
        }

        metrics.WebhookFailed();
        if (code == (int)HttpStatusCode.Gone)
        {
            await store.RecordAttemptAsync(message, record, WebhookStatus.Disabled, null, CancellationToken.None);
            return;
        }

        // 3xx lands here too: a redirect is not followed, it is a failed attempt.
        var next = at + Backoff(attempt, Random.Shared.NextDouble(), TimeSpan.FromMilliseconds(options.Value.WebhookRetryBaseMilliseconds));
        var status = next - message.CreatedAt > GiveUpAfter ? WebhookStatus.Failed : WebhookStatus.Pending;
        await store.RecordAttemptAsync(message, record with { Error = error ?? $"HTTP {code}" }, status, status == WebhookStatus.Pending ? next : null, CancellationToken.None);
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "webhook dispatcher error")]
    private partial void LogError(Exception e);
}
