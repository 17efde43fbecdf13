using Upres.Engine.Media;
using Upres.Service.Problems;

namespace Upres.Service.Jobs;

/// Decides the output's size, frame rate and duration from the probe and the spec, before the job
/// is accepted, so the price is known and the engine is held to the same numbers.
public static class OutputPlanner
{
    public const int MaxLongSide = 7680;
    public const int MaxShortSide = 4320;

    public static OutputPlan Plan(MediaInfo probe, JobSpec spec)
    {
        var video = probe.Video ?? throw new ServiceException(Errors.UnsupportedMedia("The input has no video stream."));
        var (srcW, srcH) = Math.Abs(video.Rotation) % 180 == 90 ? (video.Height, video.Width) : (video.Width, video.Height);
        int width, height;
        if (spec.Width is { } w && spec.Height is { } h)
        {
            (width, height) = (Even(w), Even(h));
        }
        else if (spec.Width is { } onlyW)
        {
            (width, height) = (Even(onlyW), Even((int)Math.Round((double)srcH * onlyW / srcW, MidpointRounding.AwayFromZero)));
        }
        else if (spec.Height is { } onlyH)
        {
            (width, height) = (Even((int)Math.Round((double)srcW * onlyH / srcH, MidpointRounding.AwayFromZero)), Even(onlyH));
        }
        else if (spec.ShortSide is { } side)
        {
            (width, height) = srcW >= srcH
                ? (Even((int)Math.Round((double)srcW * side / srcH, MidpointRounding.AwayFromZero)), Even(side))
                : (Even(side), Even((int)Math.Round((double)srcH * side / srcW, MidpointRounding.AwayFromZero)));
        }
        else
        {
            var scale = spec.Scale ?? 2;
            (width, height) = (Even(srcW * scale), Even(srcH * scale));
        }

        if (Math.Max(width, height) > MaxLongSide || Math.Min(width, height) > MaxShortSide)
        {
            throw new ServiceException(Errors.MediaLimit($"The output would be {width}x{height}; the limit is 8K ({MaxLongSide}x{MaxShortSide})."));
        }

        var sourceFps = video.FrameRate > 0 ? video.FrameRate : 25;
        var fps = spec.Fps is > 0 ? spec.Fps.Value : spec.MaxFps is > 0 ? Math.Min(sourceFps, spec.MaxFps.Value) : sourceFps;
        if (spec.Fps is not null && video.IsVariableFrameRate && !spec.InterpolateVfr)
        {
            throw new ServiceException(Errors.VariableFrameRate(
                $"The input has a variable frame rate (average {sourceFps:0.###} fps, stream rate {video.StreamFrameRate ?? "unknown"}). Interpolating it first puts its frames on a constant {sourceFps:0.###} fps grid, repeating or dropping frames where the times stray; send \"interpolate_vfr\": true to accept that, or leave out 'fps'."));
        }

        var (start, duration) = spec.EffectiveTrim();
        var total = probe.Duration;
        var startTime = TimeSpan.FromMilliseconds(start ?? 0);
        if (startTime >= total && total > TimeSpan.Zero)
        {
            throw new ServiceException(Errors.Validation($"The trim starts at {startTime.TotalSeconds:0.###} s, after the end of the input ({total.TotalSeconds:0.###} s)."));
        }

        var remaining = total - startTime;
        var outDuration = duration is > 0 ? TimeSpan.FromMilliseconds(Math.Min(duration.Value, remaining.TotalMilliseconds)) : remaining;
        var frames = Math.Max(1, (long)Math.Round(outDuration.TotalSeconds * fps));
        return new OutputPlan(width, height, fps, outDuration, frames, srcW, srcH, sourceFps);
    }

    private static int Even(int value) => Math.Max(2, value + (value & 1));
}
