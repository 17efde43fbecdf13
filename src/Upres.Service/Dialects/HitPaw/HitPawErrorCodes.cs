namespace Upres.Service.Dialects.HitPaw;

/// 501001, 501002 and 501016 are HitPaw's documented codes; the others are Upres's, in the same
/// numbering, for cases the document does not list (docs/dialects.md).
public static class HitPawErrorCodes
{
    public const int InvalidApiKey = 501001;
    public const int NotEnoughCoins = 501002;
    public const int InvalidParameter = 501003;
    public const int ModelNotSupported = 501004;
    public const int JobNotFound = 501005;
    public const int TooManyRequests = 501006;
    public const int InternalError = 501007;
    public const int InvalidVideoUrl = 501016;
}
