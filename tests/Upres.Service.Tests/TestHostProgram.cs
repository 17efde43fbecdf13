using Upres.Service.Hosting;

namespace Upres.Service.Tests;

/// Lets the restart test start the real server as a separate process it can kill -9.
public static class TestHostProgram
{
    public static async Task<int> Main(string[] args)
        => args is ["serve", .. var rest] ? await UpresServer.RunAsync(rest) : 2;
}
