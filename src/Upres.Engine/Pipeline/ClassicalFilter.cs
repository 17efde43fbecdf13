namespace Upres.Engine.Pipeline;

/// Enhancements done with ordinary ffmpeg filters, not a learned model (and said so): applied to
/// the decoded frames in the same filter graph as the upscale's decode, before super-resolution.
public enum ClassicalFilter
{
    None,

    /// Saturation and contrast lift (ffmpeg eq); HitPaw's model 3.
    ColorEnhance,

    /// Gamma and brightness lift for dark footage, then a light denoise (ffmpeg eq + hqdn3d); HitPaw's model 15.
    LowLight,
}
