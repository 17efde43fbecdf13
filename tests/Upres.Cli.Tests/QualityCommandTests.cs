namespace Upres.Cli.Tests;

/// `upres quality` on a subset small enough for a test: the figures the README quotes come from
/// the same command on every set.
public sealed class QualityCommandTests : IDisposable
{
    private readonly string _empty = Directory.CreateTempSubdirectory("upres-quality-").FullName;

    public void Dispose() => Directory.Delete(_empty, recursive: true);

    [SharedTestDataFact]
    public async Task A_subset_prints_PSNR_SSIM_flicker_and_na_for_a_model_of_another_scale()
    {
        var data = SharedTestDataFactAttribute.Directory;

        var result = await UpresCommand.RunAsync(
            "quality", "--data", data!, "--model", "bicubic", "--model", "realesr-animevideov3-x4", "--model", "realesr-animevideov3-x2",
            "--set", "set5-x4", "--set", "temple-x4", "--frames", "2", "--no-speed");

        Assert.True(result.ExitCode == 0, result.StandardError);
        var lines = result.StandardOutput.Split('\n');
        var header = lines.Single(l => l.StartsWith("method", StringComparison.Ordinal));
        Assert.Contains("set5-x4", header, StringComparison.Ordinal);
        Assert.Contains("temple flicker", header, StringComparison.Ordinal);
        var bicubic = Cells(lines, "bicubic");
        Assert.Equal("28.43/0.8113", bicubic[1]);
        var model = Cells(lines, "realesr-animevideov3-x4");
        // Real-ESRGAN's models are trained for perceived sharpness on degraded input, not for PSNR
        // against clean bicubic input: they score near bicubic, not above it.
        Assert.InRange(double.Parse(model[1].Split('/')[0], System.Globalization.CultureInfo.InvariantCulture), 26, 32);
        Assert.Matches(@"^[0-9]+\.[0-9]{2}$", model[3]);
        Assert.Equal(["n/a", "n/a", "n/a"], Cells(lines, "realesr-animevideov3-x2")[1..]);
        Assert.Contains(lines, l => l.StartsWith("ground truth", StringComparison.Ordinal));
    }

    private static string[] Cells(string[] lines, string method) =>
        lines.Single(l => l.StartsWith(method + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Absent_test_data_is_skipped_with_a_message()
    {
        var result = await UpresCommand.RunAsync("quality", "--data", _empty, "--model", "bicubic", "--set", "set5-x4", "--set", "calendar-x4", "--no-speed");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("set5-x4: skipped, no images at", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("calendar-x4: skipped, no images at", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown_set", "--set", "set99")]
    [InlineData("unknown_model", "--model", "nope")]
    [InlineData("invalid_request", "--frames", "1")]
    public async Task Bad_options_exit_with_code_2(string code, params string[] args)
    {
        var result = await UpresCommand.RunAsync(["quality", "--no-speed", .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"error [{code}]", result.StandardError, StringComparison.Ordinal);
    }
}
