using Upres.Engine.Imaging;

namespace Upres.Engine.Tests.Tiling;

public class TileSpanTests
{
    [Theory]
    [InlineData(640, 512, 16, true)]
    [InlineData(1080, 512, 16, true)]
    [InlineData(101, 32, 16, false)]
    [InlineData(7, 64, 16, true)]
    [InlineData(512, 512, 0, false)]
    public void Cores_cover_the_frame_and_padded_windows_share_one_size(int length, int tile, int overlap, bool padded)
    {
        var spans = TileSpan.Split(length, tile, overlap, padded);

        var covered = new bool[length];
        foreach (var s in spans)
        {
            Assert.InRange(s.CoreLength, 1, tile);
            Assert.True(s.WindowStart <= s.CoreStart && s.CoreStart + s.CoreLength <= s.WindowStart + s.WindowLength);
            for (var i = s.CoreStart; i < s.CoreStart + s.CoreLength; i++)
            {
                covered[i] = true;
            }
        }

        Assert.All(covered, Assert.True);
        if (padded)
        {
            Assert.Single(spans.Select(s => s.WindowLength).Distinct());
        }
        else
        {
            Assert.All(spans, s => Assert.True(s.WindowStart >= 0 && s.WindowStart + s.WindowLength <= length));
        }
    }

    [Fact]
    public void A_640_pixel_row_with_512_tiles_becomes_two_tiles_of_320()
    {
        var spans = TileSpan.Split(640, 512, 16, padded: true);

        Assert.Equal([new TileSpan(0, 320, -16, 352), new TileSpan(320, 320, 304, 352)], spans);
    }
}
