using System.Text.Json;
using Microsoft.Extensions.Options;
using Upres.Service.Billing;
using Upres.Service.Dialects;
using Upres.Service.Jobs;
using Upres.Service.Dialects.Mingyan;

namespace Upres.Service.Tests.Dialects;

public class MingyanDialectTests
{
    [Fact]
    public void The_documented_create_body_validates_and_maps_to_a_1080p_class_capped_at_30_fps()
    {
        var v = MingyanDialect.Validate("""{"model":"superResolution-1080p-lowfps","videoUrl":"https://example.com/in.mp4"}""");

        Assert.True(v.IsValid);
        var spec = MingyanDialect.ToSpec(v.Value);
        Assert.Equal(1080, spec.ShortSide);
        Assert.Null(spec.Height);
        Assert.Null(spec.Width);
        Assert.Equal(30, spec.MaxFps);
        Assert.Equal("https://example.com/in.mp4", spec.InputUrl);
        Assert.Equal("superResolution-1080p-lowfps", spec.VendorModel);
    }

    [Theory]
    [InlineData("superResolution-720p-lowfps", 720, 30)]
    [InlineData("superResolution-720p-highfps", 720, 120)]
    [InlineData("superResolution-1080p-highfps", 1080, 120)]
    [InlineData("superResolution-2k-lowfps", 1440, 30)]
    [InlineData("superResolution-2k-highfps", 1440, 120)]
    [InlineData("superResolution-4k-lowfps", 2160, 30)]
    [InlineData("superResolution-4k-highfps", 2160, 120)]
    public void Every_documented_model_maps_to_its_resolution_class_and_fps_cap(string model, int shortSide, double fpsCap)
    {
        var v = MingyanDialect.Validate(JsonSerializer.Serialize(new MingyanCreateRequest(model, "http://host/a.mp4")));

        Assert.True(v.IsValid);
        var request = MingyanDialect.ToSpec(v.Value).ToJobSpec();
        Assert.Equal(shortSide, request.ShortSide);
        Assert.Null(request.Height);
        Assert.Null(request.Width);
        Assert.Equal(fpsCap, request.MaxFps);
        Assert.Equal(DialectModels.RealWorld, request.Model);
    }

    [Theory]
    [InlineData("", ProblemKind.MalformedJson, 400, "invalid_json")]
    [InlineData("{", ProblemKind.MalformedJson, 400, "invalid_json")]
    [InlineData("[1,2]", ProblemKind.MalformedJson, 400, "invalid_json")]
    [InlineData("""{"videoUrl":"https://a/b.mp4"}""", ProblemKind.MissingField, 400, "missing_parameter")]
    [InlineData("""{"model":"superResolution-4k-lowfps"}""", ProblemKind.MissingField, 400, "missing_parameter")]
    [InlineData("""{"model":"superResolution-4k-lowfps","videoUrl":null}""", ProblemKind.MissingField, 400, "missing_parameter")]
    [InlineData("""{"model":42,"videoUrl":"https://a/b.mp4"}""", ProblemKind.WrongType, 400, "invalid_parameter_type")]
    [InlineData("""{"model":"superResolution-4k-lowfps","videoUrl":["x"]}""", ProblemKind.WrongType, 400, "invalid_parameter_type")]
    [InlineData("""{"model":"superResolution-8k-lowfps","videoUrl":"https://a/b.mp4"}""", ProblemKind.UnknownModel, 400, "model_not_supported")]
    [InlineData("""{"model":"superresolution-4k-lowfps","videoUrl":"https://a/b.mp4"}""", ProblemKind.UnknownModel, 400, "model_not_supported")]
    [InlineData("""{"model":"superResolution-4k-lowfps","videoUrl":"file:///etc/passwd"}""", ProblemKind.InvalidValue, 400, "invalid_parameter")]
    public void Bad_bodies_get_a_400_with_the_error_string_and_a_stable_code(string body, ProblemKind kind, int status, string code)
    {
        var v = MingyanDialect.Validate(body);

        Assert.False(v.IsValid);
        Assert.Equal(kind, v.Problem.Kind);
        var (s, error) = MingyanDialect.Error(v.Problem);
        Assert.Equal(status, s);
        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Error));
    }

    [Fact]
    public void Errors_serialize_with_error_as_a_string_like_the_task_object()
    {
        var (status, body) = MingyanDialect.Error(new DialectProblem(ProblemKind.InsufficientCredit, "balance too low"));

        Assert.Equal(402, status);
        Assert.Equal("""{"error":"balance too low","code":"insufficient_balance"}""", JsonSerializer.Serialize(body));
        Assert.Equal(401, MingyanDialect.Error(new(ProblemKind.Unauthorized, "x")).Status);
        Assert.Equal(404, MingyanDialect.Error(new(ProblemKind.NotFound, "x")).Status);
        Assert.Equal(429, MingyanDialect.Error(new(ProblemKind.RateLimited, "x")).Status);
    }

    [Fact]
    public void The_task_object_uses_the_documented_names_and_leaves_out_what_its_state_lacks()
    {
        var queued = new MingyanTask { Id = "t1", Created = 1700000000, Model = "superResolution-720p-lowfps", Status = "queued" };
        var done = new MingyanTask { Id = "t1", Created = 1700000000, Status = "completed", VideoUrl = "http://h/r.mp4", ActualDuration = 2.5 };

        Assert.Equal("""{"id":"t1","object":"video","created":1700000000,"model":"superResolution-720p-lowfps","status":"queued"}""",
            JsonSerializer.Serialize(queued));
        Assert.Equal("""{"id":"t1","object":"video","created":1700000000,"status":"completed","video_url":"http://h/r.mp4","actualDuration":2.5}""",
            JsonSerializer.Serialize(done));
    }

    [Theory]
    [InlineData(JobStatus.Queued, "queued")]
    [InlineData(JobStatus.Processing, "processing")]
    [InlineData(JobStatus.Completed, "completed")]
    [InlineData(JobStatus.Failed, "failed")]
    [InlineData(JobStatus.Cancelled, "failed")]
    public void States_use_the_documented_words(JobStatus state, string word) =>
        Assert.Equal(word, MingyanDialect.StatusWord(state));

    [Theory]
    [InlineData(0.2, 1)]
    [InlineData(1.0, 1)]
    [InlineData(1.001, 2)]
    [InlineData(9.5, 10)]
    public void Billing_is_per_input_second_rounded_up_with_a_one_second_minimum(double seconds, long billed)
    {
        var model = MingyanModel.Find("superResolution-2k-highfps")!;
        var spec = MingyanDialect.ToSpec(new MingyanCreateRequest(model.Name, "http://h/a.mp4")).ToJobSpec();
        var q = MingyanDialect.Billing(model)(Plans.For(spec, 640, 360, 24, seconds));

        Assert.Equal(billed, q.BillableSeconds);
        Assert.Equal((2560, 1440), (q.OutputWidth, q.OutputHeight));
        Assert.Equal(60, q.OutputFps);
    }

    [Fact]
    public void The_tier_not_the_file_sets_the_fps_price_bracket()
    {
        var table = new PriceTable(Options.Create(new PriceTableOptions()));
        var low = MingyanModel.Find("superResolution-1080p-lowfps")!;
        var high = MingyanModel.Find("superResolution-1080p-highfps")!;
        // The same 24 fps file: the tier, not the file, decides the frame-rate bracket.
        var plan = Plans.For(MingyanDialect.ToSpec(new MingyanCreateRequest(low.Name, "http://h/a.mp4")).ToJobSpec(), 640, 360, 24, 60);

        Assert.Equal(120, table.Quote(MingyanDialect.Billing(low)(plan)).Credits);
        Assert.Equal(240, table.Quote(MingyanDialect.Billing(high)(plan)).Credits);
    }

    [Theory]
    [InlineData(60, 240)]
    [InlineData(90, 480)]
    [InlineData(120, 480)]
    public void Highfps_above_60_fps_is_billed_at_the_above_60_rate(double outputFps, long credits)
    {
        var table = new PriceTable(Options.Create(new PriceTableOptions()));
        var high = MingyanModel.Find("superResolution-1080p-highfps")!;
        var plan = Plans.For(MingyanDialect.ToSpec(new MingyanCreateRequest(high.Name, "http://h/a.mp4")).ToJobSpec(), 640, 360, outputFps, 60);

        Assert.Equal(credits, table.Quote(MingyanDialect.Billing(high)(plan)).Credits);
    }

    [Theory]
    [InlineData("superResolution-720p-highfps", 240, 120)]
    [InlineData("superResolution-720p-highfps", 119.88, 119.88)]
    [InlineData("superResolution-720p-highfps", 60, 60)]
    [InlineData("superResolution-720p-lowfps", 240, 30)]
    [InlineData("superResolution-720p-lowfps", 24, 24)]
    public void Highfps_caps_at_120_and_lowfps_at_30_without_refusing(string model, double sourceFps, double outputFps)
    {
        var spec = MingyanDialect.ToSpec(new MingyanCreateRequest(model, "http://h/a.mp4")).ToJobSpec();
        Assert.Equal(outputFps, Plans.For(spec, 640, 360, sourceFps, 1).FrameRate, 3);
    }

    [Theory]
    [InlineData("superResolution-1080p-lowfps", 1080, 1920, 1080, 1920)]
    [InlineData("superResolution-1080p-lowfps", 1920, 1080, 1920, 1080)]
    [InlineData("superResolution-1080p-lowfps", 144, 256, 1080, 1920)]
    [InlineData("superResolution-720p-lowfps", 640, 360, 1280, 720)]
    [InlineData("superResolution-720p-lowfps", 360, 640, 720, 1280)]
    [InlineData("superResolution-2k-highfps", 480, 480, 1440, 1440)]
    [InlineData("superResolution-4k-lowfps", 1080, 1920, 2160, 3840)]
    public void A_tier_is_the_output_s_shorter_side_in_either_orientation(string model, int w, int h, int ow, int oh)
    {
        var spec = MingyanDialect.ToSpec(new MingyanCreateRequest(model, "http://h/a.mp4")).ToJobSpec();
        var plan = Plans.For(spec, w, h, 30, 1);
        Assert.Equal((ow, oh), (plan.Width, plan.Height));
    }
}
