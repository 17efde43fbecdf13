using System.Text.Json;
using Upres.Service.Billing;
using Upres.Service.Dialects;
using Upres.Service.Jobs;
using Upres.Service.Dialects.KieAi;

namespace Upres.Service.Tests.Dialects;

public class KieDialectTests
{
    /// The --data of the document's curl example, as published (leading newline included).
    public const string DocumentExample = """

        {
          "model": "topaz/video-upscale",
          "callBackUrl": "https://your-domain.com/api/callback",
          "input": {
            "video_url": "https://file.aiquickdraw.com/custom-page/akr/section-images/1758166466095hvbwkrpw.mp4",
            "upscale_factor": "2"
          }
        }

        """;

    [Fact]
    public void The_documented_example_validates_and_maps_to_scale_2_with_a_callback()
    {
        var v = KieDialect.Validate(DocumentExample);

        Assert.True(v.IsValid);
        var spec = KieDialect.ToSpec(v.Value, DocumentExample);
        Assert.Equal(2, spec.Scale);
        Assert.Equal("https://your-domain.com/api/callback", spec.WebhookUrl);
        Assert.Equal("https://file.aiquickdraw.com/custom-page/akr/section-images/1758166466095hvbwkrpw.mp4", spec.InputUrl);
        var u = spec.ToJobSpec();
        Assert.Equal(2, u.Scale);
        Assert.Null(u.Width);
        Assert.Equal(DialectModels.RealWorld, u.Model);
    }

    [Theory]
    [InlineData("\"1\"", 1)]
    [InlineData("\"2\"", 2)]
    [InlineData("\"4\"", 4)]
    [InlineData("4", 4)]
    [InlineData("\"2.0\"", 2)]
    [InlineData("1.0", 1)]
    [InlineData("null", 2)]
    public void Upscale_factors_1_2_4_are_taken_in_string_or_number_form(string json, int factor)
    {
        var v = KieDialect.Validate($$$"""{"model":"topaz/video-upscale","input":{"video_url":"https://a/b.mp4","upscale_factor":{{{json}}}}}""");

        Assert.True(v.IsValid);
        Assert.Equal(factor, KieDialect.ToSpec(v.Value, "").Scale);
    }

    [Fact]
    public void The_factor_defaults_to_2_and_the_callback_is_optional()
    {
        var v = KieDialect.Validate("""{"model":"topaz/video-upscale","input":{"video_url":"https://a/b.mp4"}}""");

        Assert.Equal("2", v.Value!.Input.UpscaleFactor);
        Assert.Null(v.Value.CallBackUrl);
    }

    [Theory]
    [InlineData("""{"model":"topaz/video-upscale","input":{"video_url":"https://a/b.mp4","upscale_factor":"3"}}""", ProblemKind.InvalidValue)]
    [InlineData("""{"model":"topaz/video-upscale","input":{"video_url":"https://a/b.mp4","upscale_factor":true}}""", ProblemKind.WrongType)]
    [InlineData("""{"model":"topaz/video-upscale","input":{"video_url":"https://a/b.mp4","upscale_factor":"two"}}""", ProblemKind.InvalidValue)]
    [InlineData("""{"model":"topaz/video-enhance","input":{"video_url":"https://a/b.mp4"}}""", ProblemKind.UnknownModel)]
    [InlineData("""{"input":{"video_url":"https://a/b.mp4"}}""", ProblemKind.MissingField)]
    [InlineData("""{"model":"topaz/video-upscale"}""", ProblemKind.MissingField)]
    [InlineData("""{"model":"topaz/video-upscale","input":"https://a/b.mp4"}""", ProblemKind.WrongType)]
    [InlineData("""{"model":"topaz/video-upscale","input":{}}""", ProblemKind.MissingField)]
    [InlineData("""{"model":"topaz/video-upscale","input":{"video_url":5}}""", ProblemKind.WrongType)]
    [InlineData("""{"model":"topaz/video-upscale","input":{"video_url":"ftp://a/b.mp4"}}""", ProblemKind.InvalidValue)]
    [InlineData("""{"model":"topaz/video-upscale","callBackUrl":"not a url","input":{"video_url":"https://a/b.mp4"}}""", ProblemKind.InvalidValue)]
    [InlineData("""{"model":"topaz/video-upscale","callBackUrl":7,"input":{"video_url":"https://a/b.mp4"}}""", ProblemKind.WrongType)]
    [InlineData("""{"model":"topaz/video-upscale",""", ProblemKind.MalformedJson)]
    public void Parameter_errors_answer_422_in_the_code_msg_data_envelope(string body, ProblemKind kind)
    {
        var v = KieDialect.Validate(body);

        Assert.False(v.IsValid);
        Assert.Equal(kind, v.Problem.Kind);
        var (status, envelope) = KieDialect.Error(v.Problem);
        Assert.Equal(422, status);
        Assert.Equal(422, envelope.Code);
        Assert.Null(envelope.Data);
        Assert.Equal($$"""{"code":422,"msg":{{JsonSerializer.Serialize(v.Problem.Message)}},"data":null}""", JsonSerializer.Serialize(envelope));
    }

    [Theory]
    [InlineData(ProblemKind.Unauthorized, 401)]
    [InlineData(ProblemKind.InsufficientCredit, 402)]
    [InlineData(ProblemKind.NotFound, 422)]
    [InlineData(ProblemKind.UnknownPath, 404)]
    [InlineData(ProblemKind.RateLimited, 429)]
    [InlineData(ProblemKind.Internal, 500)]
    [InlineData(ProblemKind.InputRejected, 422)]
    public void Codes_follow_the_document(ProblemKind kind, int code)
    {
        var (status, body) = KieDialect.Error(new DialectProblem(kind, "m"));
        Assert.Equal(code, status);
        Assert.Equal(code, body.Code);
    }

    [Theory]
    [InlineData(10L * 1024 * 1024, "mov,mp4,m4a,3gp,3g2,mj2", true)]
    [InlineData(10L * 1024 * 1024 + 1, "mov,mp4,m4a,3gp,3g2,mj2", false)]
    [InlineData(1000, "matroska,webm", true)]
    [InlineData(1000, "avi", false)]
    [InlineData(1000, "webm", false)]
    public void Inputs_are_limited_to_10MB_of_mp4_mov_or_mkv(long size, string format, bool ok) =>
        Assert.Equal(ok, KieDialect.CheckInput(size, format) is null);

    [Theory]
    [InlineData(JobStatus.Queued, "waiting")]
    [InlineData(JobStatus.Processing, "generating")]
    [InlineData(JobStatus.Completed, "success")]
    [InlineData(JobStatus.Failed, "fail")]
    [InlineData(JobStatus.Cancelled, "fail")]
    public void States_use_the_unified_query_words(JobStatus state, string word) => Assert.Equal(word, KieDialect.State(state));

    [Fact]
    public void Task_ids_round_trip_and_foreign_ids_are_not_found()
    {
        Assert.Equal("task_topaz_abc", KieDialect.TaskId("abc"));
        Assert.Equal("abc", KieDialect.JobId("task_topaz_abc"));
        Assert.Null(KieDialect.JobId("task_topaz_"));
        Assert.Null(KieDialect.JobId("abc"));
        Assert.Null(KieDialect.JobId(null));
    }

    [Fact]
    public void The_create_answer_and_record_use_the_documented_names()
    {
        Assert.Equal("""{"code":200,"msg":"success","data":{"taskId":"task_topaz_1"}}""",
            JsonSerializer.Serialize(new KieEnvelope<KieTaskId>(200, "success", new KieTaskId("task_topaz_1"))));

        var record = new KieRecordInfo
        {
            TaskId = "task_topaz_1", Model = KieDialect.Model, State = "success", Param = "{}",
            ResultJson = KieDialect.ResultJson("http://h/r.mp4"), CreateTime = 1, CompleteTime = 2, UpdateTime = 2, CostTime = 1,
        };
        var json = JsonSerializer.Serialize(record);
        Assert.Contains("\"resultJson\":\"{\\u0022resultUrls\\u0022:[\\u0022http://h/r.mp4\\u0022]}\"", json, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json);
        var inner = JsonDocument.Parse(doc.RootElement.GetProperty("resultJson").GetString()!);
        Assert.Equal("http://h/r.mp4", inner.RootElement.GetProperty("resultUrls")[0].GetString());
        foreach (var name in new[] { "taskId", "model", "state", "param", "resultJson", "failCode", "failMsg", "costTime", "completeTime", "createTime", "updateTime" })
        {
            Assert.True(doc.RootElement.TryGetProperty(name, out _), name);
        }
    }

    [Fact]
    public void Billing_is_on_input_duration_at_the_scaled_size()
    {
        var r = KieDialect.Validate(DocumentExample).Value!;
        var spec = KieDialect.ToSpec(r, DocumentExample);
        Assert.Equal(new PriceQuery(3, 1280, 720, 30, DialectModels.RealWorld),
            DialectBilling.ByDuration(spec.CatalogModel)(Plans.For(spec.ToJobSpec(), 640, 360, 30, 2.2)));
    }
}
