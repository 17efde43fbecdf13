using Microsoft.Extensions.Options;
using Upres.Service.Problems;

namespace Upres.Service.Storage;

/// Refuses new work while the storage root's file system is nearly full, so a full disk stops new
/// uploads and jobs with a clear code instead of failing them halfway.
public sealed class StorageSpace(StorageRoot storage, IOptions<StorageSpaceOptions> options)
{
    public void EnsureRoomForNewWork()
    {
        var min = options.Value.MinFreeMegabytes * 1024 * 1024;
        if (min == 0)
        {
            return;
        }

        Directory.CreateDirectory(storage.Root);
        var free = new DriveInfo(storage.Root).AvailableFreeSpace;
        if (free < min)
        {
            throw new ServiceException(Errors.InsufficientStorage());
        }
    }
}
