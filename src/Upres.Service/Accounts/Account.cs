using Upres.Service.Storage;

namespace Upres.Service.Accounts;

public sealed record Account(string Id, string Name, long Balance, long Reserved, string WebhookSecret, DateTimeOffset CreatedAt)
{
    public long Available => Balance - Reserved;

    public StorageUsage Storage { get; init; } = StorageUsage.None;
}
