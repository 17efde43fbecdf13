using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Upres.Service.Security;

/// Probe-time limits: a bomb is refused before any work starts.
public sealed class MediaLimitsOptions
{
    [ConfigurationKeyName("UPRES_MIN_SIDE")]
    [Range(1, 8192)]
    public int MinSide { get; set; } = 128;

    [ConfigurationKeyName("UPRES_MAX_DURATION_SECONDS")]
    [Range(1, 864000)]
    public double MaxDurationSeconds { get; set; } = 3600;

    [ConfigurationKeyName("UPRES_MAX_FPS")]
    [Range(1, 1000)]
    public double MaxFps { get; set; } = 240;

    [ConfigurationKeyName("UPRES_MAX_STREAMS")]
    [Range(1, 1000)]
    public int MaxStreams { get; set; } = 16;
}
