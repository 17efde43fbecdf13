using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Upres.Service.Jobs;

/// Limits of GET /v1/jobs/{id}/events.
public sealed class JobEventOptions
{
    /// Event streams one API key may hold open at once on this server (429 too_many_streams beyond).
    [ConfigurationKeyName("UPRES_EVENT_STREAMS_PER_KEY")]
    [Range(1, 100_000)]
    public int StreamsPerKey { get; set; } = 20;
}
