using System.Globalization;
using System.Text.Json;
using Upres.Engine.Media;
using Upres.Service.Data;
using Upres.Service.Problems;
using Upres.Service.Security;
using Upres.Service.Storage;
using Upres.Service.Uploads;

namespace Upres.Service.Dialects;

/// Inputs as the dialects need them. A URL is fetched (through the same guarded fetcher as the
/// native API) into an upload before the job is created, because the vendors' limits (kie.ai's
/// 10 MB and three containers, HitPaw's 200 MB, five containers and 10 minutes, mingyan's fps tier)
/// have to be checked on the file and refused in the vendor's shape before credits are reserved.
public sealed class DialectInputs(UrlFetcher fetcher, MediaGuard guard, IUploadStore uploads, StorageRoot storage, FfmpegTools ffmpeg, TimeProvider clock)
{
    public async Task<(UploadRecord Upload, MediaInfo Probe)> FetchAsync(string accountId, string url, long? maxBytes, CancellationToken cancellationToken)
    {
        var id = Ids.New("upl");
        var path = storage.PrepareWrite(StorageRoot.UploadKey(id));
        try
        {
            var size = await fetcher.DownloadAsync(url, path, cancellationToken, maxBytes);
            var probe = await guard.InspectAsync(path, cancellationToken);
            var name = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Path.GetFileName(uri.AbsolutePath) : null;
            var upload = new UploadRecord(id, accountId, StorageRoot.UploadKey(id), string.IsNullOrEmpty(name) ? null : name, size, JsonSerializer.Serialize(probe), clock.GetUtcNow());
            await uploads.InsertAsync(upload, cancellationToken);
            return (upload, probe);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    public async Task<(UploadRecord Upload, MediaInfo Probe)?> GetAsync(string accountId, string uploadId, CancellationToken cancellationToken)
    {
        var upload = await uploads.GetAsync(accountId, uploadId, cancellationToken);
        return upload is null ? null : (upload, JsonSerializer.Deserialize<MediaInfo>(upload.ProbeJson)!);
    }

    /// kokoon's use_trim_orig: the range becomes a new original video, re-encoded (not stream
    /// copied) so the cut is frame-exact rather than snapped to the nearest keyframe. The job itself
    /// reads the original with the range as its trim; this copy is what the vendor lists as in_vid.
    public async Task<(UploadRecord Upload, MediaInfo Probe)> TrimAsync(UploadRecord original, long startMs, long durationMs, CancellationToken cancellationToken)
    {
        var id = Ids.New("upl");
        var path = storage.PrepareWrite(StorageRoot.UploadKey(id));
        try
        {
            var source = JsonSerializer.Deserialize<MediaInfo>(original.ProbeJson)!;
            try
            {
                await ffmpeg.TrimAsync(storage.PathOf(original.Key), source.Demuxer, TimeSpan.FromMilliseconds(startMs),
                    durationMs > 0 ? TimeSpan.FromMilliseconds(durationMs) : null, path, cancellationToken);
            }
            catch (ProcessFailedException e)
            {
                throw new ServiceException(Errors.UnsupportedMedia($"Trimming the original failed (exit {e.ExitCode})."));
            }

            var probe = await guard.InspectAsync(path, cancellationToken);
            var baseName = Path.GetFileNameWithoutExtension(original.FileName ?? original.Id);
            var upload = new UploadRecord(id, original.AccountId, StorageRoot.UploadKey(id),
                baseName + string.Create(CultureInfo.InvariantCulture, $"--trim_{startMs}_{durationMs}") + ".mp4",
                new FileInfo(path).Length, JsonSerializer.Serialize(probe), clock.GetUtcNow());
            await uploads.InsertAsync(upload, cancellationToken);
            return (upload, probe);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }
}
