using System.Text.Json;
using Upres.Engine.Pipeline;
using Upres.Service.Billing;
using Upres.Service.Dialects;
using Upres.Service.Jobs;
using Upres.Service.Dialects.Kokoon;

namespace Upres.Service.Tests.Dialects;

public class KokoonDialectTests
{
    /// The body of the document's curl example, byte for byte.
    public const string DocumentExample = """
        {
        "task_type": "SR",
        "category" : "person",
        "use_sr" : true,
        "input_quality" : "medium",
        "option": {
        "face_enhance": false,
        "denoise": false,
        "deinterlace": false,
        "add_noise": false
        },
        "vid": "8eb18100-3aa0-11ee-a8b4-73df6b5af037",
        "width": 1920,
        "height": 1080,
        "start_pos": 2000,
        "duration": 1000,
        "codec": "h264",
        "format": "mp4",
        "use_trim_orig" : true
        }
        """;

    private static string With(string field, object? value)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(DocumentExample)!.AsObject();
        if (value is null)
        {
            node.Remove(field);
        }
        else
        {
            node[field] = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(value));
        }

        return node.ToJsonString();
    }

    [Fact]
    public void The_documented_example_validates()
    {
        var v = KokoonDialect.Validate(DocumentExample);

        Assert.True(v.IsValid);
        var r = v.Value;
        Assert.Equal("SR", r.TaskType);
        Assert.Equal("person", r.Category);
        Assert.True(r.UseSr);
        Assert.Equal("8eb18100-3aa0-11ee-a8b4-73df6b5af037", r.Vid);
        Assert.Equal((1920, 1080, 2000L, 1000L), (r.Width, r.Height, r.StartPos, r.Duration));
        Assert.True(r.UseTrimOrig);
    }

    [Fact]
    public void The_example_maps_to_the_real_world_model_with_denoise_and_exact_size_trimming_the_original_in_the_one_pass()
    {
        var r = KokoonDialect.Validate(DocumentExample).Value!;
        var spec = KokoonDialect.ToSpec(r, r.Vid);
        var u = spec.ToJobSpec();

        Assert.Equal(r.Vid, spec.InputVideoId);
        Assert.Equal(DialectModels.RealWorld, u.Model);
        Assert.Equal((1920, 1080), (u.Width, u.Height));
        Assert.Equal(1, u.Denoise);
        // use_trim_orig still makes the trimmed original (in_vid), but the job reads the original
        // with the range as its trim: one lossy generation, not two.
        Assert.Equal(2000, u.StartMs);
        Assert.Equal(1000, u.DurationMs);
        Assert.Equal(VideoCodec.H264, u.Codec);
        Assert.Equal(ContainerFormat.Mp4, u.Container);
    }

    [Fact]
    public void Without_use_trim_orig_the_range_reaches_the_engine_in_milliseconds()
    {
        var r = KokoonDialect.Validate(With("use_trim_orig", false)).Value!;
        var u = KokoonDialect.ToSpec(r, r.Vid).ToJobSpec();

        Assert.Equal(2000, u.StartMs);
        Assert.Equal(1000, u.DurationMs);
    }

    [Theory]
    [InlineData("person", false)]
    [InlineData("general", false)]
    [InlineData("retro", false)]
    [InlineData("animation", true)]
    [InlineData("cg", true)]
    public void Categories_pick_the_model_family_and_animation_ignores_the_AI_options(string category, bool animation)
    {
        var body = With("category", category);
        var node = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        node["option"] = System.Text.Json.Nodes.JsonNode.Parse("""{"face_enhance":false,"denoise":true,"deinterlace":true,"add_noise":true}""");
        node["input_quality"] = "high";
        var spec = KokoonDialect.ToSpec(KokoonDialect.Validate(node.ToJsonString()).Value!, "v");

        Assert.Equal(animation ? ModelFamily.Animation : ModelFamily.RealWorld, spec.Family);
        Assert.True(spec.Deinterlace);
        Assert.Equal(animation ? 0 : 2, spec.Denoise);
        Assert.Equal(animation ? 0 : KokoonDialect.FilmGrainStrength, spec.FilmGrain);
    }

    [Fact]
    public void Use_sr_false_means_no_super_resolution()
    {
        var spec = KokoonDialect.ToSpec(KokoonDialect.Validate(With("use_sr", false)).Value!, "v");

        Assert.False(spec.UseSr);
        Assert.False(spec.ToJobSpec().UseSr);
        Assert.Equal(1920, spec.Width);
    }

    [Fact]
    public void A_preview_task_is_a_short_clip()
    {
        var body = With("task_type", "SR_PREVIEW");
        var node = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        node["duration"] = 0;
        node["use_trim_orig"] = false;
        var u = KokoonDialect.ToSpec(KokoonDialect.Validate(node.ToJsonString()).Value!, "v").ToJobSpec();

        Assert.Equal(2000, u.StartMs);
        Assert.True(u.Preview);
        Assert.Equal((2000L, JobSpec.PreviewMs), u.EffectiveTrim());
    }

    [Fact]
    public void Use_trim_orig_on_a_whole_file_is_refused_as_documented()
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(DocumentExample)!.AsObject();
        node["start_pos"] = 0;
        node["duration"] = 0;
        var v = KokoonDialect.Validate(node.ToJsonString());

        Assert.False(v.IsValid);
        Assert.Equal("use_trim_orig", v.Problem.Field);
        Assert.Equal(400, KokoonDialect.Error(v.Problem).Status);
    }

    [Fact]
    public void Defaults_apply_when_optional_fields_are_left_out()
    {
        var body = """{"task_type":"SR","category":"general","use_sr":true,"input_quality":"high","option":{},"vid":"v1","width":1280,"height":720}""";
        var r = KokoonDialect.Validate(body).Value!;

        Assert.Equal((0L, 0L, "h264", "mp4", false), (r.StartPos, r.Duration, r.Codec, r.Format, r.UseTrimOrig));
        var spec = KokoonDialect.ToSpec(r, r.Vid);
        Assert.Equal((0, 0, false), (spec.Denoise, spec.FilmGrain, spec.Deinterlace));
        Assert.Null(spec.StartMs);
    }

    [Theory]
    [InlineData("task_type", null, ProblemKind.MissingField)]
    [InlineData("task_type", "SR_FAST", ProblemKind.InvalidValue)]
    [InlineData("category", "sports", ProblemKind.InvalidValue)]
    [InlineData("category", 3, ProblemKind.WrongType)]
    [InlineData("use_sr", "true", ProblemKind.WrongType)]
    [InlineData("use_sr", null, ProblemKind.MissingField)]
    [InlineData("input_quality", "low", ProblemKind.InvalidValue)]
    [InlineData("option", null, ProblemKind.MissingField)]
    [InlineData("option", "denoise", ProblemKind.WrongType)]
    [InlineData("vid", null, ProblemKind.MissingField)]
    [InlineData("width", "1920", ProblemKind.WrongType)]
    [InlineData("width", 1920.5, ProblemKind.WrongType)]
    [InlineData("width", 64, ProblemKind.InvalidValue)]
    [InlineData("width", 1921, ProblemKind.InvalidValue)]
    [InlineData("width", 8000, ProblemKind.InvalidValue)]
    [InlineData("height", 7682, ProblemKind.InvalidValue)]
    [InlineData("height", null, ProblemKind.MissingField)]
    [InlineData("start_pos", -1, ProblemKind.InvalidValue)]
    [InlineData("duration", "1s", ProblemKind.WrongType)]
    [InlineData("codec", "mpeg2", ProblemKind.InvalidValue)]
    [InlineData("format", "avi", ProblemKind.InvalidValue)]
    [InlineData("codec", "prores", ProblemKind.InvalidValue)]
    [InlineData("use_trim_orig", 1, ProblemKind.WrongType)]
    public void Bad_fields_get_a_400_message(string field, object? value, ProblemKind kind)
    {
        var v = KokoonDialect.Validate(With(field, value));

        Assert.False(v.IsValid);
        Assert.Equal(kind, v.Problem.Kind);
        var (status, body) = KokoonDialect.Error(v.Problem);
        Assert.Equal(400, status);
        Assert.Contains(field, body.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("\"SR\"")]
    public void Malformed_bodies_get_a_400_message(string body)
    {
        var v = KokoonDialect.Validate(body);

        Assert.Equal(ProblemKind.MalformedJson, v.Problem!.Kind);
        Assert.Equal(400, KokoonDialect.Error(v.Problem).Status);
    }

    [Fact]
    public void A_wrong_option_type_names_the_option()
    {
        var body = DocumentExample.Replace("\"denoise\": false", "\"denoise\": \"no\"", StringComparison.Ordinal);
        Assert.Equal("option.denoise", KokoonDialect.Validate(body).Problem!.Field);
    }

    [Fact]
    public void Short_credit_is_the_documented_message()
    {
        var (status, body) = KokoonDialect.Error(new DialectProblem(ProblemKind.InsufficientCredit, "whatever"));

        Assert.Equal(402, status);
        Assert.Equal("""{"message":"insufficient credit"}""", JsonSerializer.Serialize(body));
    }

    [Fact]
    public void Face_enhance_is_refused_without_a_face_model_except_where_it_is_ignored()
    {
        var withFace = DocumentExample.Replace("\"face_enhance\": false", "\"face_enhance\": true", StringComparison.Ordinal);
        var person = KokoonDialect.Validate(withFace).Value!;
        var anime = person with { Category = "animation" };

        Assert.NotNull(KokoonDialect.CheckSupported(person, faceModel: null));
        Assert.Null(KokoonDialect.CheckSupported(person, faceModel: "gfpgan"));
        Assert.Equal("gfpgan", KokoonDialect.ToSpec(person, "v", "gfpgan").CatalogModel);
        Assert.Null(KokoonDialect.CheckSupported(anime, faceModel: null));
    }

    [Fact]
    public void Billing_is_on_the_processed_range()
    {
        var r = KokoonDialect.Validate(With("use_trim_orig", false)).Value!;
        static PriceQuery Quote(KokoonTaskRequest r, double seconds)
        {
            var spec = KokoonDialect.ToSpec(r, r.Vid);
            return DialectBilling.ByDuration(spec.CatalogModel)(Plans.For(spec.ToJobSpec(), 640, 360, 25, seconds));
        }

        Assert.Equal(new PriceQuery(1, 1920, 1080, 25, DialectModels.RealWorld), Quote(r, 10));
        var whole = r with { StartPos = 0, Duration = 0 };
        Assert.Equal(10, Quote(whole, 9.2).BillableSeconds);
        Assert.Equal(5, Quote(whole with { TaskType = "SR_PREVIEW" }, 60).BillableSeconds);
    }

    [Fact]
    public void A_range_past_the_end_is_refused()
    {
        var r = KokoonDialect.Validate(DocumentExample).Value!;
        Assert.NotNull(KokoonDialect.CheckRange(r, TimeSpan.FromSeconds(1.5)));
        Assert.Null(KokoonDialect.CheckRange(r, TimeSpan.FromSeconds(3)));
    }

    [Theory]
    [InlineData(30, "30/1")]
    [InlineData(29.97003, "30000/1001")]
    [InlineData(23.976, "24000/1001")]
    [InlineData(12.5, "12500/1000")]
    public void Fps_is_a_rational_string(double fps, string expected) => Assert.Equal(expected, KokoonDialect.FpsRational(fps));

    [Fact]
    public void The_task_answer_and_video_use_the_documented_names()
    {
        Assert.Equal("""{"tid":"t","in_vid":"i","out_vid":"o"}""", JsonSerializer.Serialize(new KokoonTaskResponse("t", "i", "o")));
        var video = new KokoonVideo { Uid = "u", Vid = "v", CreatedTime = "2024-02-01T12:17:32.699Z", Filename = "original.mp4", State = "completed", Duration = KokoonDialect.Seconds(TimeSpan.FromSeconds(10)) };
        var json = JsonSerializer.Serialize(video);
        foreach (var name in new[] { "uid", "vid", "pid", "tid", "created_time", "filename", "size", "codec_name", "fps", "duration", "nb_frames", "bitrate", "width", "height", "download_cnt", "expired_time", "state", "url", "thumb_url", "is_rotated", "is_interlaced", "last_category" })
        {
            Assert.Contains($"\"{name}\":", json, StringComparison.Ordinal);
        }

        Assert.Contains("\"duration\":\"10.000000\"", json, StringComparison.Ordinal);
        Assert.Contains("\"pid\":\"00000000-0000-0000-0000-000000000000\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(JobStatus.Queued, "waiting")]
    [InlineData(JobStatus.Processing, "processing")]
    [InlineData(JobStatus.Completed, "completed")]
    [InlineData(JobStatus.Failed, "failed")]
    [InlineData(JobStatus.Cancelled, "cancelled")]
    public void Result_video_states(JobStatus state, string word) => Assert.Equal(word, KokoonDialect.State(state));

    /// Kokoon's codec/format pairs are the engine's (OutputPlanner.CanWrite): a pair the engine
    /// cannot write (vp9 or av1 in mov) is a 400 at create, never a job that is priced and then fails.
    [Theory]
    [InlineData("h264", "mp4", true)]
    [InlineData("h265", "mov", true)]
    [InlineData("prores", "mov", true)]
    [InlineData("prores", "mkv", true)]
    [InlineData("vp9", "webm", true)]
    [InlineData("av1", "mp4", true)]
    [InlineData("vp9", "mov", false)]
    [InlineData("av1", "mov", false)]
    [InlineData("h264", "webm", false)]
    [InlineData("prores", "mp4", false)]
    public void A_codec_and_format_pair_is_accepted_exactly_when_the_engine_writes_it(string codec, string format, bool accepted)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(DocumentExample)!.AsObject();
        body["codec"] = codec;
        body["format"] = format;

        var v = KokoonDialect.Validate(body.ToJsonString());

        Assert.Equal(accepted, v.IsValid);
        if (!accepted)
        {
            Assert.Equal(400, KokoonDialect.Error(v.Problem!).Status);
            Assert.Equal("codec", v.Problem!.Field);
        }
    }
}
