using System.Text.Json.Nodes;

namespace Upres.Cli.Tests;

/// How the `upres` executable asks the runtime to run it.
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void Upres_runs_without_the_instrumented_tier_so_a_fresh_server_compiles_less_while_it_answers()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "upres.runtimeconfig.json")))!;

        Assert.False((bool?)config["runtimeOptions"]?["configProperties"]?["System.Runtime.TieredPGO"]);
    }
}
