using System.Text.Json;
using Microsoft.Extensions.Options;
using Upres.Engine.Pipeline;
using Upres.Service.Billing;
using Upres.Service.Dialects;
using Upres.Service.Jobs;
using Upres.Service.Dialects.HitPaw;

namespace Upres.Service.Tests.Dialects;

public class HitPawDialectTests
{
    /// The document's example request body.
    public const string DocumentExample = """
        {
          "video_url": "https://example.com/video.mp4",
          "extension": ".mp4",
          "model_id": 17,
          "resolution": [1920, 1080],
          "web_hook_url": "https://your-server.com/webhook"
        }
        """;

    /// The document's example for the task query (it pastes the webhook body; job_id is what counts).
    public const string DocumentQueryExample = """
        {
          "job_id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
          "status": "CONVERTING",
          "res_url": "https://example.com/enhanced-video.mp4"
        }
        """;

    private static readonly Dictionary<int, string> NoFaceModels = [];

    [Fact]
    public void The_documented_example_maps_to_the_balanced_denoise_model_at_1080p()
    {
        var v = HitPawDialect.Validate(DocumentExample);

        Assert.True(v.IsValid);
        Assert.Null(HitPawDialect.CheckSupported(v.Value, NoFaceModels));
        var spec = HitPawDialect.ToSpec(v.Value);
        var u = spec.ToJobSpec();
        Assert.Equal((1920, 1080), (u.Width, u.Height));
        Assert.Equal(DialectModels.RealWorld, u.Model);
        Assert.Equal(1, u.Denoise);
        Assert.Equal(ContainerFormat.Mp4, u.Container);
        Assert.Equal("https://your-server.com/webhook", spec.WebhookUrl);
    }

    [Fact]
    public void The_documented_query_example_names_a_job()
    {
        var v = HitPawDialect.ValidateQuery(DocumentQueryExample);
        Assert.Equal("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", v.Value!.JobId);
        Assert.Equal(ProblemKind.MissingField, HitPawDialect.ValidateQuery("{}").Problem!.Kind);
        Assert.Equal(ProblemKind.WrongType, HitPawDialect.ValidateQuery("""{"job_id":12}""").Problem!.Kind);
    }

    [Theory]
    [InlineData(3, ModelFamily.RealWorld, 0, ClassicalFilter.ColorEnhance)]
    [InlineData(4, ModelFamily.Animation, 0, ClassicalFilter.None)]
    [InlineData(15, ModelFamily.RealWorld, 1, ClassicalFilter.LowLight)]
    [InlineData(17, ModelFamily.RealWorld, 1, ClassicalFilter.None)]
    [InlineData(20, ModelFamily.RealWorldStrong, 2, ClassicalFilter.None)]
    public void Models_Upres_can_run_map_to_a_family_denoise_and_filter(int id, ModelFamily family, int denoise, ClassicalFilter filter)
    {
        var v = HitPawDialect.Validate(DocumentExample.Replace("\"model_id\": 17", $"\"model_id\": {id}", StringComparison.Ordinal));

        Assert.Null(HitPawDialect.CheckSupported(v.Value!, NoFaceModels));
        var spec = HitPawDialect.ToSpec(v.Value!);
        Assert.Equal((family, denoise, filter), (spec.Family, spec.Denoise, spec.Filter));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(18)]
    [InlineData(24)]
    [InlineData(25)]
    public void Face_and_colourise_models_are_refused_unless_configured(int id)
    {
        var v = HitPawDialect.Validate(DocumentExample.Replace("\"model_id\": 17", $"\"model_id\": {id}", StringComparison.Ordinal)).Value!;

        var problem = HitPawDialect.CheckSupported(v, NoFaceModels);
        Assert.NotNull(problem);
        var (status, body) = HitPawDialect.Error(problem);
        Assert.Equal(400, status);
        Assert.Equal(HitPawErrorCodes.ModelNotSupported, body.Code);
        Assert.Equal("The model is not supported", body.Message);
        Assert.Contains("not available", body.Detail, StringComparison.Ordinal);

        var configured = new Dictionary<int, string> { [id] = "my-face-model" };
        Assert.Null(HitPawDialect.CheckSupported(v, configured));
        Assert.Equal("my-face-model", HitPawDialect.ToSpec(v, configured).CatalogModel);
    }

    [Theory]
    [InlineData("""{"video_url":"https://a/b.mp4","model_id":7,"resolution":[1280,720]}""", 400, HitPawErrorCodes.ModelNotSupported)]
    [InlineData("""{"video_url":"https://a/b.mp4","model_id":"17","resolution":[1280,720]}""", 400, HitPawErrorCodes.InvalidParameter)]
    [InlineData("""{"video_url":"https://a/b.mp4","model_id":17.5,"resolution":[1280,720]}""", 400, HitPawErrorCodes.InvalidParameter)]
    [InlineData("""{"video_url":"https://a/b.mp4","resolution":[1280,720]}""", 400, HitPawErrorCodes.InvalidParameter)]
    [InlineData("""{"video_url":"https://a/b.mp4","model_id":17}""", 400, HitPawErrorCodes.InvalidParameter)]
    [InlineData("""{"video_url":"https://a/b.mp4","model_id":17,"resolution":"1920x1080"}""", 400, HitPawErrorCodes.InvalidParameter)]
    [InlineData("""{"video_url":"https://a/b.mp4","model_id":17,"resolution":[1920]}""", 400, HitPawErrorCodes.InvalidParameter)]
    [InlineData("""{"video_url":"https://a/b.mp4","model_id":17,"resolution":[1920,"1080"]}""", 400, HitPawErrorCodes.InvalidParameter)]
    [InlineData("""{"video_url":"https://a/b.mp4","model_id":17,"resolution":[100,100]}""", 400, HitPawErrorCodes.InvalidParameter)]
    [InlineData("""{"video_url":"https://a/b.mp4","model_id":17,"resolution":[7682,4320]}""", 400, HitPawErrorCodes.InvalidParameter)]
    [InlineData("""{"video_url":"https://a/b.mp4","model_id":17,"resolution":[5000,5000]}""", 400, HitPawErrorCodes.InvalidParameter)]
    [InlineData("""{"video_url":"https://a/b.mp4","model_id":17,"resolution":[1281,720]}""", 400, HitPawErrorCodes.InvalidParameter)]
    [InlineData("""{"video_url":"https://a/b.mp4","model_id":17,"resolution":[1280,720],"extension":".gif"}""", 400, HitPawErrorCodes.InvalidParameter)]
    [InlineData("""{"video_url":"https://a/b.mp4","model_id":17,"resolution":[1280,720],"web_hook_url":"nope"}""", 400, HitPawErrorCodes.InvalidParameter)]
    [InlineData("""{"video_url":"not-a-url","model_id":17,"resolution":[1280,720]}""", 400, HitPawErrorCodes.InvalidVideoUrl)]
    [InlineData("""{"model_id":17,"resolution":[1280,720]}""", 400, HitPawErrorCodes.InvalidParameter)]
    [InlineData("""{"video_url":true,"model_id":17,"resolution":[1280,720]}""", 400, HitPawErrorCodes.InvalidParameter)]
    [InlineData("{oops", 400, HitPawErrorCodes.InvalidParameter)]
    public void Bad_requests_answer_in_the_code_message_data_envelope(string body, int status, int code)
    {
        var v = HitPawDialect.Validate(body);

        Assert.False(v.IsValid);
        var (s, envelope) = HitPawDialect.Error(v.Problem);
        Assert.Equal(status, s);
        Assert.Equal(code, envelope.Code);
        Assert.Null(envelope.Data);
    }

    [Fact]
    public void The_documented_error_messages_are_used_word_for_word()
    {
        Assert.Equal("""{"code":501001,"message":"The ApiKey is not valid","data":null}""",
            JsonSerializer.Serialize(HitPawDialect.Error(new(ProblemKind.Unauthorized, "The ApiKey is not valid")).Body));
        Assert.Equal(401, HitPawDialect.Error(new(ProblemKind.Unauthorized, "x")).Status);
        // The reason travels beside the documented message, never inside it.
        Assert.Equal("""{"code":501002,"message":"The coins for this APIKEY is not enough","data":null,"detail":"the price is 4 credits; 1 is available"}""",
            JsonSerializer.Serialize(HitPawDialect.Error(new(ProblemKind.InsufficientCredit, "the price is 4 credits; 1 is available")).Body));
        Assert.Equal(402, HitPawDialect.Error(new(ProblemKind.InsufficientCredit, "x")).Status);
        Assert.Equal("""{"code":501016,"message":"The video url is not valid","data":null}""",
            JsonSerializer.Serialize(HitPawDialect.Error(HitPawDialect.Validate("""{"video_url":"x","model_id":17,"resolution":[1280,720]}""").Problem!).Body));
    }

    [Theory]
    [InlineData(".mov", ContainerFormat.Mov, VideoCodec.H264)]
    [InlineData("mkv", ContainerFormat.Mkv, VideoCodec.H264)]
    [InlineData(".WEBM", ContainerFormat.Webm, VideoCodec.Vp9)]
    public void Extensions_pick_the_container(string ext, ContainerFormat container, VideoCodec codec)
    {
        var v = HitPawDialect.Validate($$"""{"video_url":"https://a/b.mp4","model_id":4,"resolution":[1280,720],"extension":"{{ext}}"}""");
        var spec = HitPawDialect.ToSpec(v.Value!);
        Assert.Equal((container, codec), (spec.Container, spec.Codec));
    }

    /// HitPaw asks for a container by extension and Upres picks the codec: every extension it
    /// accepts must make a pair the engine writes, or a job would be priced and then fail.
    [Fact]
    public void Every_accepted_extension_makes_a_codec_and_container_pair_the_engine_writes()
    {
        Assert.All(HitPawDialect.Extensions, ext =>
        {
            var v = HitPawDialect.Validate($$"""{"video_url":"https://a/b.mp4","model_id":4,"resolution":[1280,720],"extension":"{{ext}}"}""");
            var spec = HitPawDialect.ToSpec(v.Value!);
            Assert.True(OutputPlanner.CanWrite(spec.Codec, spec.Container), $"{ext}: {spec.Codec} in {spec.Container}");
        });
    }

    [Theory]
    [InlineData(1000, "mov,mp4,m4a,3gp,3g2,mj2", 60, 640, 360, true)]
    [InlineData(1000, "avi", 60, 640, 360, true)]
    [InlineData(1000, "matroska,webm", 60, 640, 360, true)]
    [InlineData(1000, "gif", 60, 640, 360, false)]
    [InlineData(200L * 1024 * 1024 + 1, "mov,mp4,m4a,3gp,3g2,mj2", 60, 640, 360, false)]
    [InlineData(1000, "mov,mp4,m4a,3gp,3g2,mj2", 601, 640, 360, false)]
    [InlineData(1000, "mov,mp4,m4a,3gp,3g2,mj2", 600, 640, 360, true)]
    [InlineData(1000, "mov,mp4,m4a,3gp,3g2,mj2", 60, 120, 360, false)]
    [InlineData(1000, "mov,mp4,m4a,3gp,3g2,mj2", 60, 8192, 4320, false)]
    [InlineData(1000, "mov,mp4,m4a,3gp,3g2,mj2", 60, 4320, 7680, true)]
    public void Input_limits_are_128_to_8K_10_minutes_200MB_and_five_formats(long size, string format, double seconds, int w, int h, bool ok)
    {
        var problem = HitPawDialect.CheckInput(size, format, TimeSpan.FromSeconds(seconds), w, h);
        Assert.Equal(ok, problem is null);
        if (problem is not null)
        {
            var (status, body) = HitPawDialect.Error(problem);
            Assert.Equal((400, HitPawErrorCodes.InvalidVideoUrl), (status, body.Code));
        }
    }

    [Theory]
    [InlineData(JobStatus.Queued, "WAITING")]
    [InlineData(JobStatus.Processing, "CONVERTING")]
    [InlineData(JobStatus.Completed, "COMPLETED")]
    [InlineData(JobStatus.Failed, "ERROR")]
    [InlineData(JobStatus.Cancelled, "ERROR")]
    public void States_use_the_documented_words(JobStatus state, string word) => Assert.Equal(word, HitPawDialect.Status(state));

    [Fact]
    public void Webhook_and_query_bodies_use_the_documented_names()
    {
        Assert.Equal("""{"job_id":"j","status":"COMPLETED","res_url":"https://h/r.mp4"}""",
            JsonSerializer.Serialize(new HitPawJobStatus("j", "COMPLETED", "https://h/r.mp4")));
        Assert.Equal("""{"code":200,"message":"Success","data":{"job_id":"j"}}""",
            JsonSerializer.Serialize(new HitPawEnvelope<HitPawJobId>(200, "Success", new HitPawJobId("j"))));
    }

    [Fact]
    public void Credits_follow_the_per_minute_table_by_output_size_and_source_fps()
    {
        var r = HitPawDialect.Validate(DocumentExample).Value!;

        var spec = HitPawDialect.ToSpec(r);
        var billing = DialectBilling.ByDuration(spec.CatalogModel);
        var table = new PriceTable(Options.Create(new PriceTableOptions()));

        var q = billing(Plans.For(spec.ToJobSpec(), 640, 360, 25, 89.5));
        Assert.Equal(new PriceQuery(90, 1920, 1080, 25, DialectModels.RealWorld), q);
        // 1080p: 2, 4, 8 per unit of time in the three frame-rate brackets, as in HitPaw's table.
        Assert.Equal(180, table.Quote(q).Credits);
        Assert.Equal(360, table.Quote(billing(Plans.For(spec.ToJobSpec(), 640, 360, 50, 90))).Credits);
        Assert.Equal(720, table.Quote(billing(Plans.For(spec.ToJobSpec(), 640, 360, 120, 90))).Credits);
    }
}
