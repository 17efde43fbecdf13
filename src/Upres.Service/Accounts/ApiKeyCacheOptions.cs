using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Upres.Service.Accounts;

public sealed class ApiKeyCacheOptions
{
    /// How long a process trusts a key it authenticated without asking the database again. A key
    /// revoked through this process is refused at once; one revoked through another API node is
    /// refused here within this time. 0 asks the database on every request.
    [ConfigurationKeyName("UPRES_AUTH_CACHE_SECONDS")]
    [Range(0, 60)]
    public double Seconds { get; set; } = 2;
}
