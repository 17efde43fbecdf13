namespace Upres.Engine.Media;

/// Implemented by FfprobeClient.
public interface IMediaProber
{
    Task<MediaInfo> ProbeAsync(string path, CancellationToken cancellationToken);
}
