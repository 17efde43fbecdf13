using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Upres.Service.Jobs;
using Upres.Service.Problems;
using Upres.Service.Tests.Dialects;

namespace Upres.Service.Tests;

/// One plan: a job's stored and priced plan is the engine's planner on the job's probe, and the
/// request a worker's run hands the engine carries that probe and plan, so the run plans the same
/// numbers with the same code (the engine refuses a run that would not: plan_mismatch).
public sealed class JobPlanningTests
{
    private static readonly Dictionary<string, (JobSpec Spec, MediaInfo Probe)> Cases = BuildCases();

    public static TheoryData<string> Matrix => new(Cases.Keys);

    private static Dictionary<string, (JobSpec, MediaInfo)> BuildCases()
    {
        var odd = Source(97, 65, 29.97, 3.2);
        var wide = Plans.Source(640, 360, 25, 4);
        var turned = Source(640, 360, 25, 4, rotation: 90);
        return new(StringComparer.Ordinal)
        {
            ["scale 2"] = (new JobSpec { Scale = 2 }, wide),
            ["scale 3 odd"] = (new JobSpec { Scale = 3 }, odd),
            ["scale 4 odd"] = (new JobSpec { Scale = 4 }, odd),
            ["no scale given"] = (new JobSpec(), odd),
            ["width only odd"] = (new JobSpec { Width = 301 }, odd),
            ["height only odd"] = (new JobSpec { Height = 199 }, odd),
            ["short side"] = (new JobSpec { ShortSide = 1080 }, wide),
            ["short side turned"] = (new JobSpec { ShortSide = 1080 }, turned),
            ["rotation 90"] = (new JobSpec { Scale = 2 }, turned),
            ["fps cap"] = (new JobSpec { Scale = 2, MaxFps = 12 }, odd),
            ["trim"] = (new JobSpec { Scale = 2, StartMs = 500, DurationMs = 1234 }, odd),
            ["preview"] = (new JobSpec { Scale = 2, Preview = true, StartMs = 1000 }, wide),
            ["interpolation"] = (new JobSpec { Scale = 2, Fps = 60 }, odd),
            ["exact size cropped"] = (new JobSpec { Width = 1280, Height = 1280, Fit = FitMode.Crop }, wide),
        };
    }

    private static MediaInfo Source(int width, int height, double fps, double seconds, int rotation = 0)
    {
        var probe = Plans.Source(width, height, fps, seconds);
        return probe with { Streams = [probe.Streams[0] with { Rotation = rotation, FrameCount = null }, .. probe.Streams.Skip(1)] };
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void The_stored_plan_is_what_the_engine_plans_for_the_run(string name)
    {
        var (spec, probe) = Cases[name];
        var stored = JobPlanning.Plan(spec, probe);

        var run = spec.ToUpscaleRequest("/storage/inputs/job", "/scratch/job" + spec.FileExtension, probe, stored);

        Assert.Same(probe, run.Probe);
        Assert.Equal(stored, run.Plan);
        Assert.Equal(stored.Frames, run.MaxFrames);
        Assert.Equal(stored, OutputPlanner.Plan(run, probe));
    }

    [Fact]
    public void The_numbers_are_the_engines_rounding_and_frame_count()
    {
        var odd = Source(97, 65, 29.97, 3.2);

        Assert.Equal((302, 202), Size(JobPlanning.Plan(new JobSpec { Width = 301 }, odd)));
        Assert.Equal((292, 196), Size(JobPlanning.Plan(new JobSpec { Scale = 3 }, odd)));
        Assert.Equal((1920, 1080), Size(JobPlanning.Plan(new JobSpec { ShortSide = 1080 }, Plans.Source(640, 360, 25, 4))));
        Assert.Equal((1080, 1920), Size(JobPlanning.Plan(new JobSpec { ShortSide = 1080 }, Source(640, 360, 25, 4, rotation: 90))));
        // The header's frame count when the whole file is made; the span's frames, rounded up, when trimmed.
        Assert.Equal(100, JobPlanning.Plan(new JobSpec(), Plans.Source(640, 360, 25, 4)).Frames);
        Assert.Equal(15, JobPlanning.Plan(new JobSpec { MaxFps = 12, StartMs = 500, DurationMs = 1234 }, odd).Frames);
    }

    private static (int, int) Size(PlannedOutput plan) => (plan.Width, plan.Height);

    [Theory]
    [InlineData(VideoCodec.Vp9, ContainerFormat.Mov, "unsupported_container_codec")]
    [InlineData(VideoCodec.H264, ContainerFormat.Webm, "unsupported_container_codec")]
    [InlineData(VideoCodec.H265, ContainerFormat.Avi, "unsupported_container_codec")]
    public void The_engines_refusals_become_the_services_codes(VideoCodec codec, ContainerFormat container, string code)
    {
        var spec = new JobSpec { Scale = 2, Codec = codec, Container = container };

        Assert.Equal(code, Assert.Throws<ServiceException>(() => JobPlanning.Check(spec)).Error.Code);
        Assert.Equal(code, Assert.Throws<ServiceException>(() => JobPlanning.Plan(spec, Plans.Source(640, 360, 25, 4))).Error.Code);
    }

    [Fact]
    public void A_trim_after_the_end_and_an_output_past_8K_are_refused_with_their_codes()
    {
        var source = Plans.Source(640, 360, 25, 4);

        Assert.Equal("invalid_request", Assert.Throws<ServiceException>(() => JobPlanning.Plan(new JobSpec { StartMs = 5000 }, source)).Error.Code);
        Assert.Equal("media_limit_exceeded",
            Assert.Throws<ServiceException>(() => JobPlanning.Plan(new JobSpec { Scale = 4 }, Plans.Source(3840, 2160, 25, 4))).Error.Code);
        Assert.Equal("variable_frame_rate", Assert.Throws<ServiceException>(() => JobPlanning.Plan(new JobSpec { Fps = 60 },
            source with { Streams = [source.Streams[0] with { IsVariableFrameRate = true }] })).Error.Code);
    }

    [Fact]
    public void A_job_stored_before_its_probe_was_kept_runs_at_its_stored_size_without_being_held_to_it()
    {
        var older = new PlannedOutput(320, 180, 25, TimeSpan.FromSeconds(2), 51, 160, 90, 25);

        var run = new JobSpec { Scale = 2 }.ToUpscaleRequest("/in", "/out.mp4", probe: null, plan: older);

        Assert.Equal((320, 180, (int?)null, 51L), (run.Width!.Value, run.Height!.Value, run.Scale, run.MaxFrames!.Value));
        Assert.Null(run.Plan);
        Assert.Null(run.Probe);
    }
}
