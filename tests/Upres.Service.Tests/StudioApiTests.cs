using System.Net;
using System.Net.Http.Json;
using Upres.Engine.Media;
using Upres.Service.Previews;
using Upres.Service.Tests.Infrastructure;

namespace Upres.Service.Tests;

/// The endpoints the page needs beyond the job API: first-run sign-in, frames of the input and the
/// result at the same moment, an upload's thumbnail strip, and a signed link that plays the input.
[Collection("processing")]
public sealed class StudioApiTests : IAsyncLifetime
{
    private UpresTestServer _server = null!;

    public async Task InitializeAsync() => _server = await UpresTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Quickstart_trades_the_admin_key_for_a_personal_account_and_key_and_finds_the_account_again_by_name()
    {
        var first = await _server.Admin.PostAsJsonAsync("/v1/admin/quickstart", new { name = "Ada" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var made = await first.ReadObjectAsync();
        Assert.True((bool)made["created"]!);
        Assert.Equal(1000, (long)made["account"]!["available"]!);
        var key = (string)made["key"]!["key"]!;
        using var ada = _server.Client(key);
        var me = await (await ada.GetAsync("/v1/account")).ReadObjectAsync();
        Assert.Equal((string)made["account"]!["id"]!, (string)me["account"]!["id"]!);

        var again = await _server.Admin.PostAsJsonAsync("/v1/admin/quickstart", new { name = "Ada", credits = 5 });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var second = await again.ReadObjectAsync();
        Assert.False((bool)second["created"]!);
        Assert.Equal((string)made["account"]!["id"]!, (string)second["account"]!["id"]!);
        Assert.Equal(1000, (long)second["account"]!["balance"]!);
        Assert.NotEqual(key, (string)second["key"]!["key"]!);
        Assert.Equal(HttpStatusCode.OK, (await ada.GetAsync("/v1/account")).StatusCode);

        using var wrong = _server.Client("upa_wrong");
        var refused = await wrong.PostAsJsonAsync("/v1/admin/quickstart", new { name = "Eve" });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("admin_unauthorized", (string)(await refused.ReadObjectAsync())["code"]!);
        var negative = await _server.Admin.PostAsJsonAsync("/v1/admin/quickstart", new { name = "Bob", credits = -1 });
        Assert.Equal("invalid_request", (string)(await negative.ReadObjectAsync())["code"]!);
    }

    [Fact]
    public async Task Quickstart_needs_no_body_and_an_unreadable_body_elsewhere_is_refused_with_a_sentence()
    {
        var bare = await _server.Admin.PostAsync("/v1/admin/quickstart", null);
        Assert.True(bare.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await bare.Content.ReadAsStringAsync());
        Assert.Equal("me", (string)(await bare.ReadObjectAsync())["account"]!["name"]!);

        var (_, client, _) = await _server.CreateAccountAsync();
        var noBody = await client.PostAsync("/v1/jobs", null);
        var problem = await noBody.ReadObjectAsync();
        Assert.Equal(HttpStatusCode.BadRequest, noBody.StatusCode);
        Assert.Equal("invalid_request", (string)problem["code"]!);
        Assert.Contains("JSON body", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Frames_show_the_same_moment_of_the_input_and_the_result_and_only_to_their_owner()
    {
        var (_, client, _) = await _server.CreateAccountAsync();
        var (_, other, _) = await _server.CreateAccountAsync(name: "other");
        var clip = Clips.Tiny(seconds: 1);
        var upload = await client.UploadIdAsync(clip);
        var created = await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, scale = 2, trim = new { start_ms = 400 } })).ReadObjectAsync();
        var id = (string)created["id"]!;
        Assert.Equal("completed", (string)(await client.JobFinishedAsync(id))["status"]!);

        var input = await client.GetAsync($"/v1/jobs/{id}/frame?side=input&at=0");
        Assert.Equal("image/png", input.Content.Headers.ContentType!.MediaType);
        var inputPng = await input.Content.ReadAsByteArrayAsync();
        Assert.Equal((128, 128), PngSize(inputPng));
        // at=0 on the result's timeline is 0.4 s into the input (the trim start).
        var frames = new FrameRenderer(new FfprobeClient(), new FfmpegTools());
        var expected = await frames.StillAsync(clip, TimeSpan.FromMilliseconds(400), CancellationToken.None);
        var start = await frames.StillAsync(clip, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(expected, inputPng);
        Assert.NotEqual(start, inputPng);

        var result = await client.GetAsync($"/v1/jobs/{id}/frame?side=result&at=0.2");
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal((256, 256), PngSize(await result.Content.ReadAsByteArrayAsync()));

        Assert.Equal("job_not_found", (string)(await (await other.GetAsync($"/v1/jobs/{id}/frame?side=input&at=0")).ReadObjectAsync())["code"]!);
        Assert.Equal("invalid_request", (string)(await (await client.GetAsync($"/v1/jobs/{id}/frame?side=input&at=9")).ReadObjectAsync())["code"]!);
        Assert.Equal("invalid_request", (string)(await (await client.GetAsync($"/v1/jobs/{id}/frame?side=middle&at=0")).ReadObjectAsync())["code"]!);
    }

    [Fact]
    public async Task An_upload_has_a_thumbnail_strip_and_its_facts_and_a_job_input_plays_from_a_signed_link_only()
    {
        var (_, client, _) = await _server.CreateAccountAsync();
        var (_, other, _) = await _server.CreateAccountAsync(name: "other");
        var clip = Clips.Tiny(seconds: 1);
        var upload = await client.UploadIdAsync(clip);

        var strip = await client.GetAsync($"/v1/uploads/{upload}/strip?count=5&height=32");
        Assert.Equal("image/jpeg", strip.Content.Headers.ContentType!.MediaType);
        var stripPath = Path.Combine(_server.DataDirectory, "strip.jpg");
        await File.WriteAllBytesAsync(stripPath, await strip.Content.ReadAsByteArrayAsync());
        var size = Clips.Probe(stripPath);
        Assert.Equal((5 * 32, 32), (size.Width, size.Height));
        Assert.Equal("invalid_request", (string)(await (await client.GetAsync($"/v1/uploads/{upload}/strip?count=500")).ReadObjectAsync())["code"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/uploads/{upload}/strip")).StatusCode);

        var facts = await (await client.GetAsync($"/v1/uploads/{upload}")).ReadObjectAsync();
        Assert.Equal((128, 128, 1.0), ((int)facts["width"]!, (int)facts["height"]!, (double)facts["duration_seconds"]!));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/uploads/{upload}")).StatusCode);

        var job = await (await client.PostAsJsonAsync("/v1/jobs", new { input = new { upload_id = upload }, scale = 2 })).ReadObjectAsync();
        var id = (string)job["id"]!;
        var link = await (await client.GetAsync($"/v1/jobs/{id}/input-link")).ReadObjectAsync();
        var url = (string)link["url"]!;
        Assert.DoesNotContain("upr_", url, StringComparison.Ordinal);
        using var anonymous = new HttpClient();
        Assert.Equal(await File.ReadAllBytesAsync(clip), await anonymous.GetByteArrayAsync(url));
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(url[..^2] + "xx")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/v1/jobs/{id}/input-link")).StatusCode);

        // A result link's signature opens no input, and an input link's no result.
        var done = await client.JobFinishedAsync(id);
        var resultUrl = (string)done["result"]!["url"]!;
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(resultUrl.Replace("/v1/results/", "/v1/inputs/", StringComparison.Ordinal))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(url.Replace("/v1/inputs/", "/v1/results/", StringComparison.Ordinal))).StatusCode);
    }

    [Fact]
    public async Task The_page_and_its_modules_come_from_the_server_with_etags_and_docs_is_served_offline()
    {
        using var http = _server.Client();
        var page = await http.GetAsync("/");
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("/studio/app.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var app = await http.GetAsync("/studio/app.js");
        Assert.Equal("text/javascript", app.Content.Headers.ContentType!.MediaType);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/studio/app.js");
        again.Headers.IfNoneMatch.Add(app.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/studio/nothing.js")).StatusCode);

        var docs = await http.GetStringAsync("/docs/");
        Assert.DoesNotContain("https://", docs, StringComparison.Ordinal);
        Assert.Contains("openapi/v1.json", docs, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/docs/scalar.js")).StatusCode);
    }

    private static (int Width, int Height) PngSize(byte[] png)
        => (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
}
