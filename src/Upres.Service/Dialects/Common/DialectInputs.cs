using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Upres.Engine.Media;
using Upres.Service.Data;
using Upres.Service.Hosting;
using Upres.Service.Problems;
using Upres.Service.Security;
using Upres.Service.Uploads;
using Upres.Service.Storage;

namespace Upres.Service.Dialects;

/// Inputs as the dialects need them. A URL is fetched (through the same guarded fetcher as the
/// native API) into an upload before the job is created, because the vendors' limits (kie.ai's
/// 10 MB and three containers, HitPaw's 200 MB, five containers and 10 minutes, mingyan's fps tier)
/// have to be checked on the file and refused in the vendor's shape before credits are reserved.
public sealed class DialectInputs(UrlFetcher fetcher, MediaGuard guard, IUploadStore uploads, IOptions<UpresOptions> options, TimeProvider clock)
{
    public async Task<(UploadRecord Upload, MediaInfo Probe)> FetchAsync(string accountId, string url, long? maxBytes, CancellationToken cancellationToken)
    {
        var id = Ids.New("upl");
        OwnerOnly.CreateDirectory(options.Value.UploadsDirectory);
        var path = Path.Combine(options.Value.UploadsDirectory, id);
        try
        {
            var size = await fetcher.DownloadAsync(url, path, cancellationToken, maxBytes);
            var probe = await guard.InspectAsync(path, cancellationToken);
            var name = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Path.GetFileName(uri.AbsolutePath) : null;
            var upload = new UploadRecord(id, accountId, path, string.IsNullOrEmpty(name) ? null : name, size, JsonSerializer.Serialize(probe), clock.GetUtcNow());
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

    /// kokoon's use_trim_orig: the range becomes a new original video. It is re-encoded (not stream
    /// copied) so the cut is frame-exact rather than snapped to the nearest keyframe.
    public Task<(UploadRecord Upload, MediaInfo Probe)> TrimAsync(UploadRecord original, long startMs, long durationMs, CancellationToken cancellationToken)
    {
        List<string> before = ["-ss", Seconds(startMs)];
        List<string> after = durationMs > 0 ? ["-t", Seconds(durationMs)] : [];
        return TranscodeAsync(original, before, after,
            string.Create(CultureInfo.InvariantCulture, $"--trim_{startMs}_{durationMs}"), cancellationToken);
    }

    /// HitPaw's colour (3) and low-light (15) models, done honestly as ffmpeg filters on the input
    /// before super-resolution: the engine has no filter stage of its own.
    public Task<(UploadRecord Upload, MediaInfo Probe)> FilterAsync(UploadRecord original, ClassicalFilter filter, CancellationToken cancellationToken) =>
        TranscodeAsync(original, [], ["-vf", FilterGraph(filter)], "--" + filter.ToString().ToLowerInvariant(), cancellationToken);

    public static string FilterGraph(ClassicalFilter filter) => filter switch
    {
        ClassicalFilter.ColorEnhance => "eq=saturation=1.25:contrast=1.06",
        ClassicalFilter.LowLight => "eq=gamma=1.45:brightness=0.03:saturation=1.1,hqdn3d=3:3:6:6",
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, null),
    };

    private async Task<(UploadRecord Upload, MediaInfo Probe)> TranscodeAsync(
        UploadRecord original, IReadOnlyList<string> beforeInput, IReadOnlyList<string> afterInput, string nameSuffix, CancellationToken cancellationToken)
    {
        var id = Ids.New("upl");
        var path = Path.Combine(options.Value.UploadsDirectory, id);
        var args = new List<string> { "-hide_banner", "-nostdin", "-loglevel", "error", "-protocol_whitelist", "file" };
        args.AddRange(beforeInput);
        args.AddRange(["-i", "file:" + Path.GetFullPath(original.Path)]);
        args.AddRange(afterInput);
        args.AddRange(["-map", "0:v:0", "-map", "0:a?", "-c:v", "libx264", "-preset", "veryfast", "-crf", "12", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart", "-f", "mp4", "file:" + path]);
        try
        {
            await RunFfmpegAsync(args, cancellationToken);
            var probe = await guard.InspectAsync(path, cancellationToken);
            var baseName = Path.GetFileNameWithoutExtension(original.FileName ?? original.Id);
            var upload = new UploadRecord(id, original.AccountId, path, baseName + nameSuffix + ".mp4",
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
