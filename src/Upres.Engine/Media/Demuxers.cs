namespace Upres.Engine.Media;

/// Which ffmpeg demuxers may read an input. The first probe of a file detects its format among
/// these only; every later ffprobe and ffmpeg call on that file is pinned to the demuxer it chose
/// (`-f`), so no call re-detects the file as a playlist, a concat script or an image sequence
/// that would open other files.
public static class Demuxers
{
    /// Containers that read one self-contained file: what a network service accepts. Everything
    /// else (hls, dash, concat, image2, lavfi, tty, ...) is refused.
    public const string SelfContained = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts,flv,mpeg,mxf,ogg,asf";

    /// For a user's own files at the command line: the containers above, elementary streams
    /// (H.264/HEVC/AV1 in IVF, Y4M) and subtitle-only files (refused later for having no video).
    public const string Local = SelfContained + ",h264,hevc,ivf,yuv4mpegpipe,mpegvideo,m4v,webvtt,srt,ass";

    /// The name `-f` takes for a probed format_name ("mov,mp4,m4a,3gp,3g2,mj2" is the mov demuxer).
    public static string NameOf(string formatName)
    {
        var comma = formatName.IndexOf(',', StringComparison.Ordinal);
        return comma < 0 ? formatName : formatName[..comma];
    }

    /// The input arguments every ffmpeg and ffprobe call on a file uses: its pinned demuxer, the
    /// local file protocol only, and the path as an explicit file: URL (a name with a colon is never a protocol).
    public static IReadOnlyList<string> Input(string path, string demuxer) =>
        ["-f", demuxer, "-protocol_whitelist", "file", "-i", "file:" + Path.GetFullPath(path)];
}
