using System.Security.Cryptography;

namespace Upres.Service.Data;

/// Ids sort by creation time (UUIDv7), so cursor paging is "id < cursor".
public static class Ids
{
    public static string New(string prefix) => $"{prefix}_{Guid.CreateVersion7():N}";

    public static string Secret(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
