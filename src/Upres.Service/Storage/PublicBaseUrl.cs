using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Upres.Service.Hosting;

namespace Upres.Service.Storage;

/// The base URL clients reach this server by, for links written where no request is at hand
/// (webhooks). UPRES_PUBLIC_URL wins; otherwise the first listen address, with a wildcard host
/// turned into localhost. A worker (`upres worker`) has no server: it needs UPRES_PUBLIC_URL.
public sealed class PublicBaseUrl(IOptions<UpresOptions> options, IServer? server = null)
{
    public Uri Get()
    {
        if (!string.IsNullOrEmpty(options.Value.PublicUrl))
        {
            return new Uri(options.Value.PublicUrl.TrimEnd('/') + "/");
        }

        var address = server?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? UpresServer.DefaultUrls;
        address = address.Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://[::1]", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal);
        return new Uri(address.TrimEnd('/') + "/");
    }
}
