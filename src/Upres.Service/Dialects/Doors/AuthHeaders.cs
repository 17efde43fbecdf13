namespace Upres.Service.Dialects;

/// How each vendor carries the API key. All of them resolve to the same Upres keys.
public static class AuthHeaders
{
    /// `Authorization: Bearer KEY` (mingyan, kie.ai). The scheme is case-insensitive (RFC 9110).
    public static string? Bearer(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return null;
        }

        var value = authorization.Trim();
        const string scheme = "Bearer ";
        if (value.Length <= scheme.Length || !value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var key = value[scheme.Length..].Trim();
        return key.Length == 0 || key.Contains(' ', StringComparison.Ordinal) ? null : key;
    }

    /// kokoon's `Authorization: TOKEN` with no scheme. A `Bearer ` prefix is tolerated because
    /// generic HTTP clients add it and a token never contains a space.
    public static string? Bare(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return null;
        }

        var value = authorization.Trim();
        if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Bearer(value);
        }

        return value.Contains(' ', StringComparison.Ordinal) ? null : value;
    }

    /// HitPaw's `ApiKey: KEY` header.
    public static string? ApiKey(string? apiKey)
    {
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            return null;
        }

        var key = apiKey.Trim();
        return key.Contains(' ', StringComparison.Ordinal) ? null : key;
    }
}
