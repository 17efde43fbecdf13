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
    public const int NoSuchEndpoint = 501008;
    public const int StorageQuotaExceeded = 501009;
    public const int InsufficientStorage = 501010;
    public const int InvalidVideoUrl = 501016;

    /// The fixed message of each code: the document's words for its three, the same style for ours.
    public static string MessageOf(int code) => code switch
    {
        InvalidApiKey => "The ApiKey is not valid",
        NotEnoughCoins => "The coins for this APIKEY is not enough",
        InvalidVideoUrl => "The video url is not valid",
        InvalidParameter => "The request parameters are not valid",
        ModelNotSupported => "The model is not supported",
        JobNotFound => "The job_id is not found",
        TooManyRequests => "Too many requests",
        NoSuchEndpoint => "The API endpoint is not found",
        StorageQuotaExceeded => "The storage quota for this APIKEY is used up",
        InsufficientStorage => "The server is low on storage",
        _ => "Internal error",
    };
}
