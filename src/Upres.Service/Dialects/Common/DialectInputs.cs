using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Upres.Engine.Media;
using Upres.Service.Data;
using Upres.Service.Problems;
using Upres.Service.Security;
using Upres.Service.Storage;
using Upres.Service.Uploads;

namespace Upres.Service.Dialects;

/// Inputs as the dialects need them: kokoon's uploads and trimmed originals, and HitPaw's filters
/// (run by the worker's prepare stage). URL inputs are fetched by the worker (JobKind), never here.
public sealed class DialectInputs(MediaGuard guard, IUploadStore uploads, StorageRoot storage, TimeProvider clock)
{
    public async Task<(UploadRecord Upload, MediaInfo Probe)?> GetAsync(string accountId, string uploadId, CancellationToken cancellationToken)
    {
        var upload = await uploads.GetAsync(accountId, uploadId, cancellationToken);
        return upload is null ? null : (upload, JsonSerializer.Deserialize<MediaInfo>(upload.ProbeJson)!);
    }

    /// kokoon's use_trim_orig: the range becomes a new original video. It is re-encoded (not stream
    /// copied) so the cut is frame-exact rather than snapped to the nearest keyframe.
    /// `id` is the new video's id, chosen when the task was created (the worker makes the file).
    public Task<(UploadRecord Upload, MediaInfo Probe)> TrimAsync(UploadRecord original, string id, long startMs, long durationMs, CancellationToken cancellationToken)
    {
        List<string> before = ["-ss", Seconds(startMs)];
        List<string> after = durationMs > 0 ? ["-t", Seconds(durationMs)] : [];
        return TranscodeAsync(original, id, before, after,
            string.Create(CultureInfo.InvariantCulture, $"--trim_{startMs}_{durationMs}"), cancellationToken);
    }

    /// HitPaw's colour (3) and low-light (15) models, done honestly as ffmpeg filters on the input
    /// before super-resolution, in the worker's prepare stage.
    public Task FilterFileAsync(string input, string output, ClassicalFilter filter, CancellationToken cancellationToken) =>
        RunFfmpegAsync(["-hide_banner", "-nostdin", "-loglevel", "error", "-protocol_whitelist", "file", "-i", "file:" + Path.GetFullPath(input),
            "-vf", FilterGraph(filter), .. EncodeArguments, "file:" + output], cancellationToken);

    public static string FilterGraph(ClassicalFilter filter) => filter switch
    {
        ClassicalFilter.ColorEnhance => "eq=saturation=1.25:contrast=1.06",
        ClassicalFilter.LowLight => "eq=gamma=1.45:brightness=0.03:saturation=1.1,hqdn3d=3:3:6:6",
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, null),
    };

    private async Task<(UploadRecord Upload, MediaInfo Probe)> TranscodeAsync(
        UploadRecord original, string id, IReadOnlyList<string> beforeInput, IReadOnlyList<string> afterInput, string nameSuffix, CancellationToken cancellationToken)
    {
        var path = storage.PrepareWrite(StorageRoot.UploadKey(id));
        var args = new List<string> { "-hide_banner", "-nostdin", "-loglevel", "error", "-protocol_whitelist", "file" };
        args.AddRange(beforeInput);
        args.AddRange(["-i", "file:" + Path.GetFullPath(storage.PathOf(original.Key))]);
        args.AddRange(afterInput);
        args.AddRange([.. EncodeArguments, "file:" + path]);
        try
        {
            await RunFfmpegAsync(args, cancellationToken);
            var probe = await guard.InspectAsync(path, cancellationToken);
            var baseName = Path.GetFileNameWithoutExtension(original.FileName ?? original.Id);
            var upload = new UploadRecord(id, original.AccountId, StorageRoot.UploadKey(id), baseName + nameSuffix + ".mp4",
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

    private static readonly string[] EncodeArguments =
    [
        "-map", "0:v:0", "-map", "0:a?", "-c:v", "libx264", "-preset", "veryfast", "-crf", "12", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart", "-f", "mp4",
    ];

    private static string Seconds(long ms) => (ms / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);

    private static async Task RunFfmpegAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("ffmpeg did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await stdout;
        var errors = await stderr;
        if (process.ExitCode != 0)
        {
            throw new ServiceException(Errors.UnsupportedMedia($"Preparing the input failed: {errors[Math.Max(0, errors.Length - 500)..].Trim()}"));
        }
    }
}
