namespace Upres.Service.Jobs;

/// The largest video Upres takes in or makes: 8K, 7680x4320 in either orientation. The native API's
/// plan check, the media guard and every door's size rules read it from here.
public static class VideoSizeLimit
{
    public const int LongSide = 7680;
    public const int ShortSide = 4320;

    /// "7680x4320", for messages.
    public static readonly string Text = $"{LongSide}x{ShortSide}";

    public static bool Fits(long width, long height) => Math.Max(width, height) <= LongSide && Math.Min(width, height) <= ShortSide;
}
