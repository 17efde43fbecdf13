namespace Upres.Service.Security;

/// What a create's bounded look at a URL saw: the declared size and the first bytes.
public sealed record UrlGlance(long? DeclaredBytes, byte[] Head)
{
    public const int HeadBytes = 16;

    /// The container family the first bytes announce, in ffprobe's format_name spelling; null when
    /// they do not say (the worker's probe decides then).
    public string? SniffedFormat()
    {
        var h = Head;
        if (h.Length >= 8 && h[4..8] is [(byte)'f', (byte)'t', (byte)'y', (byte)'p'])
        {
            return "mov,mp4,m4a,3gp,3g2,mj2";
        }

        if (h.Length >= 4 && h[..4] is [0x1A, 0x45, 0xDF, 0xA3])
        {
            return "matroska,webm";
        }

        if (h.Length >= 12 && h[..4] is [(byte)'R', (byte)'I', (byte)'F', (byte)'F'] && h[8..11] is [(byte)'A', (byte)'V', (byte)'I'])
        {
            return "avi";
        }

        if (h.Length >= 3 && h[..3] is [(byte)'F', (byte)'L', (byte)'V'])
        {
            return "flv";
        }

        return null;
    }
}
