using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Upres.Service.Tests.Infrastructure;

/// A real HTTP receiver on loopback that records every delivery and answers with scripted statuses.
public sealed class WebhookReceiver : LoopbackServer
{
    private readonly ConcurrentQueue<int> _script = new();

    public sealed record Delivery(string Path, string Id, string Timestamp, string Signature, string Body, DateTimeOffset At)
    {
        /// Every request header, by lower-case name.
        public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    }

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    public string Url() => Url("/hook");

    /// Statuses for the next requests, in order; after that 200.
    public void Answer(params int[] statuses)
    {
        foreach (var s in statuses)
        {
            _script.Enqueue(s);
        }
    }

    public static Task<WebhookReceiver> StartAsync() => StartAsync(new WebhookReceiver());

    protected override void Map(WebApplication app) =>
        app.MapPost("/{**path}", async (HttpContext ctx) =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            Deliveries.Enqueue(new Delivery(ctx.Request.Path, ctx.Request.Headers["webhook-id"].ToString(), ctx.Request.Headers["webhook-timestamp"].ToString(),
                ctx.Request.Headers["webhook-signature"].ToString(), body, DateTimeOffset.UtcNow)
            {
                Headers = ctx.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            });
            var status = _script.TryDequeue(out var s) ? s : 200;
            if (status is >= 300 and < 400)
            {
                ctx.Response.Headers.Location = "/redirected";
            }

            ctx.Response.StatusCode = status;
        });

    public async Task<IReadOnlyList<Delivery>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (Deliveries.Count < count && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return [.. Deliveries];
    }

    /// Waits until the deliveries so far satisfy `done` (the receiver may be shared by several tests).
    public async Task<IReadOnlyList<Delivery>> WaitUntilAsync(Func<IReadOnlyList<Delivery>, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!done([.. Deliveries]) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return [.. Deliveries];
    }
}
