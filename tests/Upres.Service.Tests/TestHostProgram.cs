using Upres.Service.Hosting;

namespace Upres.Service.Tests;

/// Lets process tests start the real server or a worker as a separate process they can kill -9.
public static class TestHostProgram
{
    public static async Task<int> Main(string[] args) => args switch
    {
        ["serve", .. var rest] => await UpresServer.RunAsync(rest),
        ["worker", .. var rest] => await UpresServer.RunWorkerAsync(rest),
        _ => 2,
    };
}
