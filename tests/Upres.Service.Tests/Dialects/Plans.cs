using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Upres.Service.Jobs;

namespace Upres.Service.Tests.Dialects;

/// Runs the one planner (the engine's, through JobPlanning) on a described source, so billing tests
/// price what the service would plan.
public static class Plans
{
    public static MediaInfo Source(int width, int height, double fps, double seconds, string format = "mov,mp4,m4a,3gp,3g2,mj2", long size = 1_000_000) =>
        new(format, TimeSpan.FromSeconds(seconds), size,
        [
            new MediaStream(0, StreamKind.Video, "h264", width, height, fps, (long)(fps * seconds), "yuv420p", 8, 0, null, null, null, null, null, "progressive", 0, null, false),
            new MediaStream(1, StreamKind.Audio, "aac", 0, 0, 0, null, null, 0, 0, null, null, null, null, null, null, 2, null, false),
        ], 0);

    public static PlannedOutput For(JobSpec spec, int width, int height, double fps, double seconds) =>
        JobPlanning.Plan(spec, Source(width, height, fps, seconds));
}
