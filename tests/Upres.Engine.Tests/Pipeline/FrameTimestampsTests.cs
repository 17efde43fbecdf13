using Upres.Engine.Pipeline;

namespace Upres.Engine.Tests.Pipeline;

public class FrameTimestampsTests
{
    [Fact]
    public void Timestamps_come_from_pts_and_the_time_base_not_the_rounded_pts_time()
    {
        var timestamps = new FrameTimestamps();

        timestamps.OnStderrLine("[Parsed_showinfo_2 @ 0x55] config in time_base: 1/90000, frame_rate: 30000/1001");
        timestamps.OnStderrLine("[Parsed_showinfo_2 @ 0x55] n:   0 pts:123456789 pts_time:1371.74 pos: -1 fmt:rgb24 sar:1/1 s:96x64");
        timestamps.OnStderrLine("[Parsed_showinfo_2 @ 0x55]   side data - displaymatrix");
        timestamps.OnStderrLine("[h264 @ 0x56] n: 3 pts: 4 pts_time:5 (not showinfo)");

        var seconds = Assert.Single(timestamps.Seconds);
        Assert.Equal(123456789 / 90000.0, seconds, 9);
    }

    [Fact]
    public void Without_a_time_base_line_pts_time_is_used()
    {
        var timestamps = new FrameTimestamps();

        timestamps.OnStderrLine("[Parsed_showinfo_0 @ 0x1] n:   1 pts:      1 pts_time:0.04    pos: -1");

        Assert.Equal([0.04], timestamps.Seconds);
    }

    [Theory]
    [InlineData(new[] { 0.0, 0.04, 0.08, 0.12 }, 25.0, true)]
    [InlineData(new[] { 0.0, 0.04, 0.08, 0.5 }, 25.0, false)]
    [InlineData(new[] { 10.0, 10.0333667, 10.0667333 }, 29.97002997, true)]
    public void Constant_rate_is_recognised_within_half_a_millisecond(double[] seconds, double rate, bool expected)
    {
        Assert.Equal(expected, FrameTimestamps.IsConstantRate(seconds, rate));
    }
}
