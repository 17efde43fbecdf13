using System.Globalization;
using Upres.Engine.Imaging;
using Upres.Engine.Interpolation;
using Upres.Engine.Tests.Models;
using Xunit.Abstractions;

namespace Upres.Engine.Tests.Interpolation;

/// The cut measure on real footage: consecutive frames of a moving camera (SPMCS Temple) and of a
/// pan with fine detail (Vid4 calendar) are never a cut; a frame of one against the other always is.
public sealed class SceneCutDetectorTests(ITestOutputHelper output)
{
    private static string VideoFrames(string folder) =>
        Path.Combine(Path.GetDirectoryName(TestData.ImagesDirectory)!, "sr_video_gt", folder);

    [TestImagesFact]
    public async Task Consecutive_frames_of_real_footage_are_not_cuts_and_two_shots_are()
    {
        var temple = await ReadAsync(Path.Combine(VideoFrames("SPMCS_Temple"), "LR_bicubic"), "000{0}.png");
        var calendar = await ReadAsync(VideoFrames("Vid4_calendar_LR_only"), "Frame_00{0}.png");

        foreach (var (name, frames) in new[] { ("temple", temple), ("calendar", calendar) })
        {
            var detector = new SceneCutDetector();
            for (var i = 0; i < frames.Count; i++)
            {
                var cut = detector.IsCut(frames[i]);
                if (i > 0)
                {
                    Report($"{name} {i - 1} -> {i}", frames[i - 1], frames[i]);
                }

                Assert.False(cut, $"{name}: frame {i} called a cut");
            }
        }

        for (var i = 0; i < 5; i++)
        {
            var detector = new SceneCutDetector();
            Report($"temple {i} -> calendar {i}", temple[i], calendar[i]);
            Assert.False(detector.IsCut(temple[i]));
            Assert.True(detector.IsCut(calendar[i]), $"temple {i} -> calendar {i} is not called a cut");
        }
    }

    private void Report(string what, PlanarImage a, PlanarImage b)
    {
        var (histogram, difference) = SceneCutDetector.Compare(a, b);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: histogram moved {histogram:P1}, mean luma difference {difference:P1}"));
    }

    // Both clips cropped to the calendar's 180x144 so shots of either can follow each other.
    private static async Task<List<PlanarImage>> ReadAsync(string folder, string pattern)
    {
        var frames = new List<PlanarImage>();
        for (var i = 1; i <= 5; i++)
        {
            frames.Add(Crop(await ImageFile.ReadAsync(Path.Combine(folder, string.Format(CultureInfo.InvariantCulture, pattern, i))), 180, 144));
        }

        return frames;
    }

    private static PlanarImage Crop(PlanarImage image, int width, int height)
    {
        var cropped = new PlanarImage(width, height);
        for (var c = 0; c < 3; c++)
        {
            var from = image.Plane(c);
            var to = cropped.Plane(c);
            for (var y = 0; y < height; y++)
            {
                from.Slice(y * image.Width, width).CopyTo(to.Slice(y * width, width));
            }
        }

        return cropped;
    }
}
