using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests.Dialects;

/// What a vendor's client and its customer's hosts are in a door test: a real server whose input
/// fetches and callbacks may reach loopback, a file server for input URLs, a webhook receiver, and
/// a funded key. Contract tests pass runJobs: false (shapes of queued tasks only, no worker).
public abstract class DoorTestBase(bool runJobs) : IAsyncLifetime
{
    protected UpresTestServer Server { get; private set; } = null!;

    protected FileServer Site { get; private set; } = null!;

    protected WebhookReceiver Receiver { get; private set; } = null!;

    /// An API key of an account holding 1,000 credits.
    protected string Key { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Site = await FileServer.StartAsync();
        Receiver = await WebhookReceiver.StartAsync();
        var settings = new Dictionary<string, string?> { ["UPRES_FETCH_ALLOW"] = "127.0.0.1:*", ["UPRES_WEBHOOK_ALLOW"] = "127.0.0.1:*" };
        if (!runJobs)
        {
            settings["UPRES_WORKERS"] = "0";
        }

        Server = await UpresTestServer.StartAsync(settings);
        (_, _, var key) = await Server.CreateAccountAsync(credits: 1000);
        Key = key;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Receiver.DisposeAsync();
        await Site.DisposeAsync();
    }
}
