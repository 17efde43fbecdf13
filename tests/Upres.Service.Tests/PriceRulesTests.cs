using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Upres.Service.Billing;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// Price what runs: a job without a model pays the default model's multiplier, the `quality`
/// preset's large model costs what its time costs, and the table's multipliers have defaults.
public sealed class PriceRulesTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;

    public async Task InitializeAsync() => _server = await UpresTestServer.StartAsync(new Dictionary<string, string?>
    {
        ["UPRES_WORKERS"] = "0",
        ["UPRES_PRICING:ModelMultipliers:realesrgan-x4fast"] = "3",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("""{"scale":4}""", 3)]
    [InlineData("""{"scale":4,"model":"realesrgan-x4fast"}""", 3)]
    [InlineData("""{"scale":4,"preset":"fast"}""", 3)]
    [InlineData("""{"scale":4,"preset":"quality"}""", 15)]
    [InlineData("""{"scale":2}""", 1)]
    public async Task A_native_job_is_priced_by_the_model_that_runs(string request, long price)
    {
        var (_, client, _) = await _server.CreateAccountAsync(credits: 100);
        var upload = await client.UploadIdAsync(Clips.Small(seconds: 1));
        var body = System.Text.Json.Nodes.JsonNode.Parse(request)!.AsObject();
        body["input"] = new System.Text.Json.Nodes.JsonObject { ["upload_id"] = upload };
        body["estimate_only"] = true;

        var quote = await (await client.PostAsJsonAsync("/v1/jobs", body)).ReadObjectAsync();

        Assert.True(quote["price"] is not null, quote.ToJsonString());
        Assert.Equal(price, (long)quote["price"]!);
    }

    [Fact]
    public void The_default_multipliers_price_the_large_models_above_the_compact_ones()
    {
        var table = new PriceTable(Options.Create(new PriceTableOptions()));
        var query = new PriceQuery(10, 1280, 720, 30);

        Assert.Equal(10, table.Quote(query with { Model = "realesrgan-x4fast" }).Credits);
        Assert.Equal(10, table.Quote(query with { Model = "none" }).Credits);
        Assert.Equal(150, table.Quote(query with { Model = "realesrgan-x4plus" }).Credits);
        Assert.Equal(80, table.Quote(query with { Model = "realcugan-up2x-no-denoise" }).Credits);
        Assert.Equal(10, table.Quote(query with { Model = null, Scale = 2 }).Credits);
    }

    [Fact]
    public void Without_a_model_or_scale_the_dearest_default_is_charged()
    {
        var options = new PriceTableOptions();
        options.ModelMultipliers["realesr-animevideov3-x2"] = 2;
        var table = new PriceTable(Options.Create(options));

        Assert.Equal(20, table.Quote(new PriceQuery(10, 1280, 720, 30)).Credits);
        Assert.Equal(10, table.Quote(new PriceQuery(10, 1280, 720, 30, Scale: 4)).Credits);
    }
}
