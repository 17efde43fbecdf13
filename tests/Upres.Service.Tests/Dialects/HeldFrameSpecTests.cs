using Upres.Engine.Pipeline;
using Upres.Service.Jobs;
using Upres.Service.Problems;

namespace Upres.Service.Tests.Dialects;

/// The native API's hold_frames / hold_threshold_db reach the engine's request.
public class HeldFrameSpecTests
{
    [Fact]
    public void A_job_that_does_not_say_leaves_held_frames_to_the_engine()
    {
        var job = new CreateJobBody().ToSpec();

        Assert.Null(job.ToUpscaleRequest("/a", "/b", plan: Plans.For(job, 640, 360, 25, 2)).HeldFrames);
    }

    [Fact]
    public void Hold_frames_false_turns_them_off_and_a_threshold_is_passed_on()
    {
        var off = new CreateJobBody { HoldFrames = false, HoldThresholdDb = 60 }.ToSpec();
        var strict = new CreateJobBody { HoldThresholdDb = 60 }.ToSpec();

        Assert.Equal(HeldFramePolicy.Off, off.ToUpscaleRequest("/a", "/b", plan: Plans.For(off, 640, 360, 25, 2)).HeldFrames);
        Assert.Equal(new HeldFramePolicy(true, 60), strict.ToUpscaleRequest("/a", "/b", plan: Plans.For(strict, 640, 360, 25, 2)).HeldFrames);
    }

    [Fact]
    public void A_threshold_that_would_hold_visibly_different_frames_is_refused()
    {
        var e = Assert.Throws<ServiceException>(() => JobSpecValidator.Validate(new CreateJobBody { HoldThresholdDb = 10 }.ToSpec(), []));

        Assert.Contains("hold_threshold_db", e.Message, StringComparison.Ordinal);
    }
}
