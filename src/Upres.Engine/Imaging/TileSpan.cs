namespace Upres.Engine.Imaging;

/// One tile along one axis: the core it contributes to the output, and the window (core plus
/// overlap) fed to the model. A window may start before 0 or end past the frame when the border
/// is padded.
internal readonly record struct TileSpan(int CoreStart, int CoreLength, int WindowStart, int WindowLength)
{
    /// Equal cores covering [0, length), the last one moved back to end at the frame's edge so that
    /// every window has the same size (one tensor shape per frame, buffers reused as they are).
    public static TileSpan[] Split(int length, int maxTile, int overlap, bool padded)
    {
        var count = (length + maxTile - 1) / maxTile;
        var core = (length + count - 1) / count;
        var spans = new TileSpan[count];
        for (var i = 0; i < count; i++)
        {
            var start = Math.Min(i * core, length - core);
            var windowStart = start - overlap;
            var windowEnd = start + core + overlap;
            if (!padded)
            {
                windowStart = Math.Max(0, windowStart);
                windowEnd = Math.Min(length, windowEnd);
            }

            spans[i] = new TileSpan(start, core, windowStart, windowEnd - windowStart);
        }

        return spans;
    }
}
