using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Upres.Service.Tests.Infrastructure;

/// A real HTTP receiver on loopback that records every delivery and answers with scripted statuses.
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public sealed record Delivery(string Path, string Id, string Timestamp, string Signature, string Body, DateTimeOffset At)
    {
        /// Every request header, by lower-case name.
        public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    }

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public string Url(string path = "/hook") => new Uri(BaseAddress, path).ToString();

    /// Statuses for the next requests, in order; after that 200.
    public void Answer(params int[] statuses)
    {
        foreach (var s in statuses)
        {
            _script.Enqueue(s);
        }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext ctx) =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            receiver.Deliveries.Enqueue(new Delivery(ctx.Request.Path, ctx.Request.Headers["webhook-id"].ToString(), ctx.Request.Headers["webhook-timestamp"].ToString(),
                ctx.Request.Headers["webhook-signature"].ToString(), body, DateTimeOffset.UtcNow)
            {
                Headers = ctx.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            });
            var status = receiver._script.TryDequeue(out var s) ? s : 200;
            if (status is >= 300 and < 400)
            {
                ctx.Response.Headers.Location = "/redirected";
            }

            ctx.Response.StatusCode = status;
        });
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

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

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
