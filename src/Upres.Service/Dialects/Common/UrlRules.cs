namespace Upres.Service.Dialects;

/// Shape check only: whether an address may be fetched (SSRF rules) is decided by the service's
/// fetcher when the job runs, the same for every door.
public static class UrlRules
{
    public static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host);

    public static string RequireHttpUrl(string value, string field) =>
        IsHttpUrl(value)
            ? value
            : throw new DialectProblemException(DialectProblem.Invalid(field, $"{field} must be an absolute http or https URL"));
}
