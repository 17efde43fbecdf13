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

    /// Bytes one account may keep on the storage root (its uploads and its jobs' results), unless the
    /// admin set its own quota; 0 means no quota.
    [ConfigurationKeyName("UPRES_STORAGE_QUOTA_MB")]
    [Range(0, 1_000_000_000)]
    public long StorageQuotaMegabytes { get; set; } = 20 * 1024;

    public long StorageQuotaBytes => StorageQuotaMegabytes * 1024 * 1024;
}
