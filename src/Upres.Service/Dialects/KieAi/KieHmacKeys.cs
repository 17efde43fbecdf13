using Dapper;
using Upres.Service.Data;

namespace Upres.Service.Dialects.KieAi;

/// Each account's webhookHmacKey, the key kie.ai callbacks are signed with (kie.ai: "generate and
/// view your webhookHmacKey on the settings page"). Made on first use, readable and rotatable by
/// the account; kept in the settings table, one row per account.
public sealed class KieHmacKeys(IUpresDatabase db)
{
    private static string Key(string accountId) => "kie_webhook_hmac_key:" + accountId;

    public async Task<string> GetAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT DO NOTHING",
            new { key = Key(accountId), value = NewKey() }, cancellationToken: cancellationToken));
        return (await c.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT value FROM settings WHERE key = @key", new { key = Key(accountId) }, cancellationToken: cancellationToken)))!;
    }

    /// A new key signs every callback sent from now on, retries of older callbacks included
    /// (they are signed when sent).
    public async Task<string> RotateAsync(string accountId, CancellationToken cancellationToken)
    {
        var value = NewKey();
        await using var c = await db.OpenAsync(cancellationToken);
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            new { key = Key(accountId), value }, cancellationToken: cancellationToken));
        return value;
    }

    private static string NewKey() => Ids.Secret(32);
}
