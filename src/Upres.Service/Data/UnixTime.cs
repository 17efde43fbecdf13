namespace Upres.Service.Data;

internal static class UnixTime
{
    public static long Ms(this TimeProvider clock) => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public static DateTimeOffset ToTime(this long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? ToTime(this long? ms) => ms is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms.Value);
}
