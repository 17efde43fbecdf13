using Microsoft.Extensions.Options;
using Upres.Service.Billing;
using Upres.Service.Dialects;

namespace Upres.Service.Tests.Dialects;

public class CommonDialectTests
{
    private static readonly PriceTable Table = new(Options.Create(new PriceTableOptions()));

    [Theory]
    [InlineData("Bearer abc123", "abc123")]
    [InlineData("bearer abc123", "abc123")]
    [InlineData("  Bearer   abc123  ", "abc123")]
    [InlineData("Bearer", null)]
    [InlineData("Bearer ", null)]
    [InlineData("Basic abc123", null)]
    [InlineData("abc123", null)]
    [InlineData("Bearer a b", null)]
    [InlineData(null, null)]
    public void Bearer_keys_need_the_scheme(string? header, string? key) => Assert.Equal(key, AuthHeaders.Bearer(header));

    [Theory]
    [InlineData("eyJraWQiOiJPMGs5", "eyJraWQiOiJPMGs5")]
    [InlineData(" eyJraWQiOiJPMGs5 ", "eyJraWQiOiJPMGs5")]
    [InlineData("Bearer eyJraWQiOiJPMGs5", "eyJraWQiOiJPMGs5")]
    [InlineData("Token x y", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Kokoon_tokens_are_bare(string? header, string? key) => Assert.Equal(key, AuthHeaders.Bare(header));

    [Theory]
    [InlineData("k_live_1", "k_live_1")]
    [InlineData(" k_live_1", "k_live_1")]
    [InlineData("", null)]
    [InlineData("a b", null)]
    public void HitPaw_keys_come_in_their_own_header(string? header, string? key) => Assert.Equal(key, AuthHeaders.ApiKey(header));

    [Theory]
    [InlineData(640, 360, 1080, 1920, 1080)]
    [InlineData(360, 640, 720, 406, 720)]
    [InlineData(720, 576, 1440, 1800, 1440)]
    [InlineData(321, 241, 721, 962, 722)]
    public void Keeping_aspect_gives_even_sizes(int w, int h, int target, int ow, int oh) =>
        Assert.Equal((ow, oh), OutputGeometry.KeepAspectForHeight(w, h, target));

    [Theory]
    [InlineData(1280, 720, 30, 1)]
    [InlineData(720, 1280, 30, 1)]
    [InlineData(1920, 1080, 25, 2)]
    [InlineData(1282, 720, 30, 2)]
    [InlineData(3840, 2160, 30, 3)]
    [InlineData(7680, 4320, 30, 4)]
    [InlineData(1280, 720, 59.94, 2)]
    [InlineData(1920, 1080, 60, 4)]
    [InlineData(3840, 2160, 50, 6)]
    [InlineData(7680, 4320, 60, 8)]
    [InlineData(1280, 720, 120, 4)]
    [InlineData(1920, 1080, 90, 8)]
    [InlineData(2560, 1440, 120, 12)]
    [InlineData(4320, 7680, 61, 16)]
    public void The_one_price_table_has_HitPaw_s_brackets_and_ratios(int w, int h, double fps, decimal perMinute) =>
        Assert.Equal(60 * perMinute, Table.Quote(new PriceQuery(60, w, h, fps)).Credits);

    [Fact]
    public void Beyond_8K_there_is_no_price()
    {
        Assert.Null(Table.Find(7682, 4320, 30));
        Assert.Equal(30, Table.Quote(new PriceQuery(30, 1280, 720, 24)).Credits);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.999, 1)]
    [InlineData(2.0000001, 2)]
    [InlineData(2.01, 3)]
    public void Billable_seconds_round_up_with_a_minimum_of_one(double seconds, long billed) =>
        Assert.Equal(billed, PriceQuery.BillableSecondsOf(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void A_preview_is_at_most_five_seconds_from_the_start_position()
    {
        var spec = new DialectJobSpec { Dialect = "x", InputVideoId = "v", Preview = true, StartMs = 2000, DurationMs = 60_000 };
        Assert.Equal((2000L, 5000L), spec.ToJobSpec().EffectiveTrim());
        Assert.Equal((2000L, 1000L), (spec with { DurationMs = 1000 }).ToJobSpec().EffectiveTrim());
        Assert.Equal(((long?)null, 5000L), (spec with { StartMs = null, DurationMs = null }).ToJobSpec().EffectiveTrim());
    }

    [Fact]
    public void Without_sr_the_engine_is_asked_for_a_classical_resize()
    {
        var spec = new DialectJobSpec { Dialect = "x", InputVideoId = "v", UseSr = false, Width = 1920, Height = 1080 };
        var job = spec.ToJobSpec();
        Assert.False(job.UseSr);
        Assert.Equal(Upres.Engine.UpscaleEngine.NoSuperResolution, job.ToUpscaleRequest("/a", "/b", plan: Plans.For(job, 640, 360, 25, 2)).Model);
    }
}
