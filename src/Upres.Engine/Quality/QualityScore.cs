namespace Upres.Engine.Quality;

/// One method on one set. Psnr and Ssim are means over the set's images (null without ground
/// truth); FlickerMad is the mean motion-compensated difference between consecutive output frames
/// (luma, 0-255), TemporalError the mean difference between those frame-to-frame changes and the
/// ground truth's (null where there is no sequence or no ground truth). NotApplicable says why a
/// method was not run on the set.
public sealed record QualityScore(
    string Method,
    string Set,
    double? Psnr = null,
    double? Ssim = null,
    double? FlickerMad = null,
    double? TemporalError = null,
    string? NotApplicable = null);
