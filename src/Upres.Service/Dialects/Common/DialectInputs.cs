using System.Globalization;
using System.Text.Json;
using Upres.Engine.Media;
using Upres.Service.Data;
using Upres.Service.Problems;
using Upres.Service.Security;
using Upres.Service.Storage;
using Upres.Service.Uploads;

namespace Upres.Service.Dialects;

/// Inputs as the dialects need them: kokoon's uploads and its use_trim_orig originals (made by
/// the task's worker). URL inputs are fetched by the worker's prepare stage (JobKind), never here.
public sealed class DialectInputs(MediaGuard guard, IUploadStore uploads, StorageRoot storage, FfmpegTools ffmpeg, TimeProvider clock)
{
    public async Task<(UploadRecord Upload, MediaInfo Probe)?> GetAsync(string accountId, string uploadId, CancellationToken cancellationToken)
    {
        var upload = await uploads.GetAsync(accountId, uploadId, cancellationToken);
        return upload is null ? null : (upload, JsonSerializer.Deserialize<MediaInfo>(upload.ProbeJson)!);
    }

    /// kokoon's use_trim_orig: the range becomes a new original video, re-encoded (not stream
    /// copied) so the cut is frame-exact rather than snapped to the nearest keyframe. The job itself
    /// reads the original with the range as its trim; this copy is what the vendor lists as in_vid.
    /// `id` is the new video's id, chosen when the task was created.
    public async Task<(UploadRecord Upload, MediaInfo Probe)> TrimAsync(UploadRecord original, string id, long startMs, long durationMs, CancellationToken cancellationToken)
    {
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
