namespace Upres.Cli.Tests;

/// `upres serve` with a bad setting: one line naming the setting, the value and what is allowed,
/// and the README's exit code for bad options, never a stack trace.
public sealed class ServeSettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("upres-serve-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("UPRES_RATE_LIMIT_PER_MINUTE", "100000000", "UPRES_RATE_LIMIT_PER_MINUTE=100000000 is out of range: allowed 1 to 1000000")]
    [InlineData("UPRES_MAX_FPS", "0", "UPRES_MAX_FPS=0 is out of range: allowed 1 to 1000")]
    [InlineData("UPRES_WORKERS", "many", "'UPRES_WORKERS'")]
    public async Task A_setting_out_of_range_is_one_line_and_exit_code_2(string setting, string value, string expected)
    {
        var result = await UpresCommand.RunAsync(
            new Dictionary<string, string?> { [setting] = value, ["UPRES_DATA"] = _dir, ["UPRES_URLS"] = "http://127.0.0.1:0" },
            "serve");

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.StandardError}");
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("error [invalid_setting]: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Contains(value, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_already_in_use_is_one_line_and_exit_code_2()
    {
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)holder.LocalEndpoint).Port}";

        var result = await UpresCommand.RunAsync(new Dictionary<string, string?> { ["UPRES_DATA"] = _dir, ["UPRES_URLS"] = url }, "serve");

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.StandardError}");
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error [invalid_setting]: UPRES_URLS (--urls): ", line, StringComparison.Ordinal);
        Assert.Contains(url, line, StringComparison.Ordinal);
    }
}
