using Upres.Engine.Interpolation;

namespace Upres.Engine.Tests.Interpolation;

/// Where output frames fall on the source's frames, in exact fractions.
public sealed class FrameRateConverterTests
{
    [Fact]
    public void Doubling_puts_every_second_frame_on_a_source_frame_and_the_rest_halfway()
    {
        var converter = new FrameRateConverter(new FrameRate(30, 1), new FrameRate(60, 1));

        Assert.Equal((0L, 0.0), converter.Position(0));
        Assert.Equal((0L, 0.5), converter.Position(1));
        Assert.Equal((1L, 0.0), converter.Position(2));
        Assert.Equal(24, converter.OutputFrames(12));
    }

    [Fact]
    public void Twenty_four_to_sixty_steps_by_two_fifths_of_a_frame()
    {
        var converter = new FrameRateConverter(new FrameRate(24, 1), new FrameRate(60, 1));

        double[] expected = [0, 0.4, 0.8, 0.2, 0.6, 0];
        var positions = Enumerable.Range(0, 6).Select(j => converter.Position(j)).ToList();

        Assert.Equal([0L, 0, 0, 1, 1, 2], positions.Select(p => p.Index));
        Assert.All(positions.Zip(expected), p => Assert.Equal(p.Second, p.First.T, 9));
        // One second of 24 frames is one second of 60; 10 frames (0.4167 s) round to 25.
        Assert.Equal(60, converter.OutputFrames(24));
        Assert.Equal(25, converter.OutputFrames(10));
        Assert.Equal(10, converter.SourceFramesFor(25));
    }

    [Fact]
    public void Ntsc_rates_stay_exact_after_a_million_frames()
    {
        var converter = new FrameRateConverter(FrameRate.Parse("24000/1001")!.Value, FrameRate.FromDouble(59.94));

        Assert.Equal("60000/1001", converter.Target.ToString());
        Assert.Equal((400_000L, 0.0), converter.Position(1_000_000));
        Assert.Equal(2_500_000, converter.OutputFrames(1_000_000));
    }

    [Fact]
    public void Lowering_the_rate_picks_source_frames_and_keeps_the_duration()
    {
        var converter = new FrameRateConverter(new FrameRate(60, 1), new FrameRate(30, 1));

        Assert.Equal((4L, 0.0), converter.Position(2));
        Assert.Equal(5, converter.OutputFrames(10));
        Assert.Equal("29.97", FrameRate.FromDouble(29.97).PerSecond.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("2469/200", FrameRate.FromDouble(12.345).ToString());
    }
}
