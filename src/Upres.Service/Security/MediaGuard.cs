using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Upres.Engine.Media;
using Upres.Service.Problems;

namespace Upres.Service.Security;

/// Hostile-media checks around the engine's prober. A playlist (HLS, DASH), concat script or any
/// text file could make ffmpeg open other local files or the network; so before the full probe the
/// file is sniffed and ffprobe'd with a protocol whitelist of `file` and a demuxer whitelist of real
/// containers only, and afterwards the probe must fit the limits.
public sealed class MediaGuard(IMediaProber prober, IOptions<MediaLimitsOptions> limits)
{
    /// Demuxers that read one self-contained file. Everything else (hls, dash, concat, image2,
    /// lavfi, ...) is refused.
    public const string FormatWhitelist = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts,flv,mpeg,mxf,ogg,asf";

    private static readonly string[] AllowedFormats = FormatWhitelist.Split(',');

    public async Task<MediaInfo> InspectAsync(string path, CancellationToken cancellationToken)
    {
        await SniffAsync(path, cancellationToken);
        var format = await RestrictedFormatAsync(path, cancellationToken);
        if (!format.Split(',').Any(f => AllowedFormats.Contains(f, StringComparer.Ordinal)))
        {
            throw new ServiceException(Errors.UnsupportedMedia($"The container '{format}' is not accepted."));
        }

        MediaInfo info;
        try
        {
            info = await prober.ProbeAsync(path, cancellationToken);
        }
        catch (Upres.Engine.Pipeline.UpscaleException e)
        {
            throw new ServiceException(Errors.UnsupportedMedia($"{e.Code}: {e.Message}"));
        }

        Check(info);
        return info;
    }

    public void Check(MediaInfo info)
    {
        var l = limits.Value;
        var video = info.Video ?? throw new ServiceException(Errors.UnsupportedMedia("The input has no video stream."));
        if (info.Streams.Count > l.MaxStreams)
        {
            throw new ServiceException(Errors.MediaLimit($"The input has {info.Streams.Count} streams; at most {l.MaxStreams} are accepted."));
        }

        var longSide = Math.Max(video.Width, video.Height);
        var shortSide = Math.Min(video.Width, video.Height);
        if (shortSide < l.MinSide || longSide > 7680 || shortSide > 4320)
        {
            throw new ServiceException(Errors.MediaLimit($"The video is {video.Width}x{video.Height}; accepted sizes are {l.MinSide}x{l.MinSide} to 7680x4320."));
        }

        if (info.Duration <= TimeSpan.Zero || info.Duration.TotalSeconds > l.MaxDurationSeconds)
        {
            throw new ServiceException(Errors.MediaLimit($"The duration is {info.Duration.TotalSeconds:0.###} s; accepted is up to {l.MaxDurationSeconds} s."));
        }

        if (video.FrameRate > l.MaxFps)
        {
            throw new ServiceException(Errors.MediaLimit($"The frame rate is {video.FrameRate:0.##} fps; at most {l.MaxFps} is accepted."));
        }
    }

    private static async Task SniffAsync(string path, CancellationToken cancellationToken)
    {
        var head = new byte[512];
        int read;
        await using (var file = File.OpenRead(path))
        {
            read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        }

        var text = Encoding.ASCII.GetString(head, 0, read).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (read == 0)
        {
            throw new ServiceException(Errors.UnsupportedMedia("The file is empty."));
        }

        if (text.StartsWith("#EXTM3U", StringComparison.OrdinalIgnoreCase) || text.StartsWith("ffconcat", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase) || text.StartsWith("<MPD", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("file ", StringComparison.OrdinalIgnoreCase) || text.StartsWith("[playlist]", StringComparison.OrdinalIgnoreCase))
        {
            throw new ServiceException(Errors.UnsupportedMedia("Playlists and concat scripts are not accepted."));
        }
    }

    private static async Task<string> RestrictedFormatAsync(string path, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("ffprobe")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-v", "error", "-protocol_whitelist", "file", "-format_whitelist", FormatWhitelist,
                     "-show_entries", "format=format_name", "-of", "json", "--", "file:" + Path.GetFullPath(path) })
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("ffprobe did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new ServiceException(Errors.UnsupportedMedia("Probing the input took too long."));
        }

        var output = await stdout;
        await stderr;
        if (process.ExitCode != 0)
        {
            throw new ServiceException(Errors.UnsupportedMedia("The file is not a readable video container."));
        }

        using var doc = JsonDocument.Parse(output);
        return doc.RootElement.TryGetProperty("format", out var f) && f.TryGetProperty("format_name", out var n) ? n.GetString() ?? "" : "";
    }
}
