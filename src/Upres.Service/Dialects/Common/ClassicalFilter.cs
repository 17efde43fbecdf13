namespace Upres.Service.Dialects;

/// Enhancements that Upres performs with ordinary ffmpeg filters, not a learned model, and says so.
public enum ClassicalFilter
{
    None,
    /// HitPaw model 3: saturation and contrast lift (ffmpeg eq).
    ColorEnhance,
    /// HitPaw model 15: gamma and brightness lift for dark footage, then a light denoise (ffmpeg eq + hqdn3d).
    LowLight,
}
