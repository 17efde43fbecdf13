using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace Upres.Service.Storage;

public sealed class StorageSpaceOptions
{
    /// New uploads and jobs are refused (507 insufficient_storage) while the storage root's file
    /// system has less free space than this; 0 turns the check off.
    [ConfigurationKeyName("UPRES_MIN_FREE_MB")]
    [Range(0, 1_000_000_000)]
    public long MinFreeMegabytes { get; set; } = 512;
}
