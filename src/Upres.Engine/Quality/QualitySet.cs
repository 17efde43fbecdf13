namespace Upres.Engine.Quality;

/// One benchmark of the quality report: low-resolution inputs, their ground truth where it
/// exists, and whether they are frames of one sequence (then temporal stability is measured too).
public sealed record QualitySet(string Name, int Scale, IReadOnlyList<QualitySample> Samples, bool IsSequence, bool HasGroundTruth)
{
    /// The benchmarks the report knows, in table order, with where they live under the test data.
    public static IReadOnlyList<string> Names { get; } = ["set5-x2", "set5-x3", "set5-x4", "set14-x4", "temple-x4", "calendar-x4"];

    /// The set's files under testDataDirectory (../shared/testdata), or a sentence saying what is missing.
    public static (QualitySet? Set, string? Missing) Locate(string name, string testDataDirectory, int? maxFrames = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(testDataDirectory);
        var images = Path.Combine(testDataDirectory, "sr_images");
        var video = Path.Combine(testDataDirectory, "sr_video_gt");
        var (directory, samples) = name switch
        {
            "set5-x2" or "set5-x3" or "set5-x4" => Set5(images, name[^1] - '0'),
            "set14-x4" => Pairs(Path.Combine(images, "Set14"), "LR_bicubic_X4", n => n),
            "temple-x4" => Pairs(Path.Combine(video, "SPMCS_Temple"), "LR_bicubic", n => n),
            "calendar-x4" => LowResolutionOnly(Path.Combine(video, "Vid4_calendar_LR_only")),
            _ => throw new ArgumentException($"no quality set named '{name}'; known: {string.Join(", ", Names)}", nameof(name)),
        };
        if (samples.Count == 0)
        {
            return (null, $"{name}: skipped, no images at {directory}");
        }

        var sequence = name is "temple-x4" or "calendar-x4";
        if (sequence && maxFrames is { } max)
        {
            samples = samples.Take(Math.Max(2, max)).ToList();
        }

        return (new QualitySet(name, name[^1] - '0', samples, sequence, samples.All(s => s.GroundTruthPath is not null)), null);
    }

    private static (string, IReadOnlyList<QualitySample>) Set5(string images, int scale)
    {
        var root = Path.Combine(images, "Set5");
        var lr = Path.Combine(root, "LR_bicubic", $"X{scale}");
        return (lr, Directory.Exists(lr) && Directory.Exists(Path.Combine(root, "HR"))
            ? Directory.GetFiles(Path.Combine(root, "HR"), "*.png").Order(StringComparer.Ordinal)
                .Select(hr => new QualitySample(Path.Combine(lr, $"{Path.GetFileNameWithoutExtension(hr)}x{scale}.png"), hr))
                .Where(s => File.Exists(s.InputPath)).ToList()
            : []);
    }

    private static (string, IReadOnlyList<QualitySample>) Pairs(string root, string lowFolder, Func<string, string> lowName)
    {
        var hrDirectory = Path.Combine(root, "HR");
        var lrDirectory = Path.Combine(root, lowFolder);
        return (root, Directory.Exists(hrDirectory) && Directory.Exists(lrDirectory)
            ? Directory.GetFiles(hrDirectory, "*.png").Order(StringComparer.Ordinal)
                .Select(hr => new QualitySample(Path.Combine(lrDirectory, lowName(Path.GetFileName(hr))), hr))
                .Where(s => File.Exists(s.InputPath)).ToList()
            : []);
    }

    private static (string, IReadOnlyList<QualitySample>) LowResolutionOnly(string directory) =>
        (directory, Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.png").Order(StringComparer.Ordinal).Select(lr => new QualitySample(lr, null)).ToList()
            : []);
}

public sealed record QualitySample(string InputPath, string? GroundTruthPath);
