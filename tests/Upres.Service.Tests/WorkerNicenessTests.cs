using Upres.Engine;
using Upres.Engine.Pipeline;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// A server's jobs run below its API in the Linux scheduler unless UPRES_WORKER_NICE says otherwise
/// (the engine's NicenessTests show a run's threads and children taking it).
public sealed class WorkerNicenessTests
{
    [Theory]
    [InlineData(null, 10)]
    [InlineData("0", 0)]
    [InlineData("4", 4)]
    public async Task Jobs_run_the_configured_steps_below_the_server(string? setting, int expected)
    {
        var settings = new Dictionary<string, string?> { ["UPRES_WORKERS"] = "0" };
        if (setting is not null)
        {
            settings["UPRES_WORKER_NICE"] = setting;
        }

        await using var server = await UpresTestServer.StartAsync(settings);

        Assert.Equal(expected, Assert.IsType<UpscaleEngine>(server.Service<IVideoUpscaler>()).Options.Niceness);
    }
}
