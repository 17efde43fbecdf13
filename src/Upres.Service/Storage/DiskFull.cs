using Upres.Engine.Pipeline;

namespace Upres.Service.Storage;

/// Whether a failure is a full file system (the scratch folder or the storage root): ffmpeg's own
/// "No space left on device" (the engine's storage_full) or an ENOSPC from our own writes (staging
/// the result). Such a job fails at once with storage_full instead of being retried into the same wall.
public static class DiskFull
{
    private const int Enospc = 28;

    public static bool Is(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is UpscaleException { Code: UpscaleErrorCodes.StorageFull }
                || (e is IOException && (e.HResult == Enospc || e.Message.Contains("No space left on device", StringComparison.Ordinal))))
            {
                return true;
            }
        }

        return false;
    }
}
