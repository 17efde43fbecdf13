using Upres.Engine.Pipeline;
using Upres.Service.Problems;

namespace Upres.Service.Jobs;

public static class JobSpecValidator
{
    /// Throws ServiceException(invalid_request) naming the first bad field.
    public static void Validate(JobSpec spec, IReadOnlyCollection<string> knownModels)
    {
        static void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new ServiceException(Errors.Validation(message));
            }
        }

        Require(spec.Scale is null or >= 1 and <= 4, "'scale' must be 1, 2, 3 or 4.");
        Require(spec.Width is null or >= 2 and <= VideoSizeLimit.LongSide, $"'width' must be between 2 and {VideoSizeLimit.LongSide}.");
        Require(spec.Height is null or >= 2 and <= VideoSizeLimit.LongSide, $"'height' must be between 2 and {VideoSizeLimit.LongSide}.");
        Require(spec.StartMs is null or >= 0, "'trim.start_ms' may not be negative.");
        Require(spec.DurationMs is null or > 0, "'trim.duration_ms' must be positive.");
        Require(spec.MaxFps is null or > 0 and <= 240, "'max_fps' must be between 0 and 240.");
        Require(spec.Fps is null or >= 1 and <= 240, "'fps' must be between 1 and 240.");
        Require(spec.Fps is null || spec.MaxFps is null, "'fps' sets the output frame rate exactly; leave out 'max_fps'.");
        Require(!spec.InterpolateVfr || spec.Fps is not null, "'interpolate_vfr' needs 'fps'.");
        Require(spec.Crf is null or >= 0 and <= 63, "'crf' must be between 0 and 63.");
        Require(spec.BitrateKbps is null or > 0 and <= 500_000, "'bitrate_kbps' is out of range.");
        Require(spec.Denoise is >= 0 and <= 3, "'denoise' must be 0..3.");
        Require(spec.FilmGrain is >= 0 and <= 100, "'grain' must be 0..100.");
        Require(spec.HoldThresholdDb is null || HeldFramePolicy.IsValidThreshold(spec.HoldThresholdDb.Value), $"'hold_threshold_db' must be at least {HeldFramePolicy.MinThresholdDb}.");
        Require(Enum.IsDefined(spec.Codec) && Enum.IsDefined(spec.Container) && Enum.IsDefined(spec.Fit), "Unknown codec, container or fit.");
        if (spec.Model is not null && knownModels.Count > 0 && !knownModels.Contains(spec.Model))
        {
            throw new ServiceException(Errors.UnknownModel(spec.Model));
        }
    }
}
