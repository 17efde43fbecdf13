using System.Text;
using Microsoft.Extensions.Options;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Upres.Service.Problems;
using Upres.Service.Jobs;

namespace Upres.Service.Security;

/// Hostile-media checks around the engine's prober. A playlist (HLS, DASH), concat script or any
/// text file could make ffmpeg open other local files or the network: the file is sniffed for a
/// clear early refusal, the prober's first probe detects its format among self-contained containers
/// only (Demuxers.SelfContained, registered with the prober and the engine), every later probe and
/// ffmpeg run is pinned to that demuxer (MediaInfo.Demuxer), and the probe must fit the limits.
public sealed class MediaGuard(IMediaProber prober, IOptions<MediaLimitsOptions> limits)
{
    public async Task<MediaInfo> InspectAsync(string path, CancellationToken cancellationToken)
    {
        await SniffAsync(path, cancellationToken);
        MediaInfo info;
        try
        {
            info = await prober.ProbeAsync(path, cancellationToken);
        }
        catch (UpscaleException e) when (e.Code == UpscaleErrorCodes.UnsupportedInputFormat)
        {
            throw new ServiceException(Errors.UnsupportedMedia("The container is not accepted: send a video file (MP4, MOV, MKV, WebM, AVI, MPEG-TS, ...), not a playlist or script."));
        }
        catch (UpscaleException e) when (e.Code == UpscaleErrorCodes.ProbeTimeout)
        {
            throw new ServiceException(Errors.UnsupportedMedia("Probing the input took too long."));
        }
        catch (UpscaleException e) when (e.Code is UpscaleErrorCodes.UnreadableInput or UpscaleErrorCodes.ProbeFailed)
        {
            throw new ServiceException(Errors.UnsupportedMedia("The file is not a readable video container."));
        }
        catch (UpscaleException e)
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
        if (shortSide < l.MinSide || !VideoSizeLimit.Fits(longSide, shortSide))
        {
            throw new ServiceException(Errors.MediaLimit($"The video is {video.Width}x{video.Height}; accepted sizes are {l.MinSide}x{l.MinSide} to {VideoSizeLimit.Text}."));
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
}
