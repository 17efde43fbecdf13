namespace Upres.Engine.Media;

/// Implemented by FfprobeClient.
public interface IMediaProber
{
    /// The whitelisted first probe alone: the demuxer every later call on the file is pinned to.
    Task<string> DetectDemuxerAsync(string path, CancellationToken cancellationToken);

    /// The whitelisted first probe, then the full probe pinned to the demuxer it chose.
    Task<MediaInfo> ProbeAsync(string path, CancellationToken cancellationToken);

    /// The full probe of a file whose first probe chose `demuxer` (MediaInfo.Demuxer).
    Task<MediaInfo> ProbeAsync(string path, string demuxer, CancellationToken cancellationToken);
}
