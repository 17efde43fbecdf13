using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Upres.Engine.Media;
using Upres.Engine.Pipeline;
using Upres.Service.Hosting;
using Upres.Service.Jobs;
using Upres.Service.Storage;

namespace Upres.Service.Tests;

/// The generated serializers (the API's ApiJsonContext, a job row's JobRowJson) write exactly what
/// the reflection-based ones wrote: the wire contract and the stored rows stay byte-identical.
public sealed class ApiJsonTests
{
    // The options responses were written with before the types were generated (ASP.NET Core's
    // defaults plus the API's policy), and the ones the native webhooks' `data` used.
    private static readonly JsonSerializerOptions Reflected = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static readonly JsonSerializerOptions ReflectedWebhook = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static readonly DateTimeOffset At = new(2026, 11, 30, 12, 0, 0, 123, TimeSpan.Zero);

    private static readonly PlannedOutput Plan = new(1280, 720, 29.97, TimeSpan.FromSeconds(12.5), 375, 640, 360, 29.97);

    private static readonly JobSpec Spec = new()
    {
        Model = "compact-x2",
        Scale = 2,
        Fit = FitMode.Crop,
        StartMs = 1500,
        Fps = 60,
        Codec = VideoCodec.ProRes,
        Container = ContainerFormat.Mov,
        Crf = 18,
        Filter = ClassicalFilter.LowLight,
        HoldFrames = false,
        HoldThresholdDb = 42.5,
    };

    private static JobRecord Job(JobStatus status) => new()
    {
        Id = "job_1",
        AccountId = "acct_1",
        Dialect = "native",
        Status = status,
        Spec = Spec,
        Input = new JobInput(null, "https://example.com/in.mp4"),
        Plan = Plan,
        Price = 13,
        EstimateSeconds = 41.26,
        Progress = 0.4567,
        FramesDone = 171,
        FramesTotal = 375,
        Fps = 3.14159,
        EtaSeconds = 65.43,
        ErrorCode = status == JobStatus.Failed ? "decode_failed" : null,
        ErrorMessage = status == JobStatus.Failed ? "ffmpeg could not \"read\" it — café" : null,
        Result = new JobResult("results/job_1.mov", 1280, 720, 29.97, TimeSpan.FromSeconds(12.5), 375, 987654),
        Attempts = 2,
        MetadataJson = """{"order":"A-1","tags":["x",1,null],"nested":{"ok":true}}""",
        WebhookUrl = "https://example.com/hook",
        InputKey = "inputs/job_1",
        CreatedAt = At,
        StartedAt = At.AddSeconds(3),
        FinishedAt = status.IsTerminal() ? At.AddSeconds(60) : null,
    };

    public static TheoryData<JobStatus> Statuses => [JobStatus.Queued, JobStatus.Processing, JobStatus.Completed, JobStatus.Failed];

    [Theory]
    [MemberData(nameof(Statuses))]
    public void A_job_is_written_byte_for_byte_as_reflection_wrote_it(JobStatus status)
    {
        var job = Job(status);
        var view = JobView.From(job, status == JobStatus.Completed ? new ResultLink(new Uri("https://upres.example/r/job_1?e=1&s=abc"), At.AddHours(1)) : null);
        var expected = JsonSerializer.Serialize(view, Reflected);

        Assert.Equal(expected, JsonSerializer.Serialize(view, HttpOptions()));
        Assert.Equal(expected, JsonSerializer.Serialize(view, ApiJson.Options));
        Assert.Equal(JsonSerializer.SerializeToNode(view, ReflectedWebhook)!.ToJsonString(), JsonSerializer.SerializeToNode(view, ApiJson.Options)!.ToJsonString());
        Assert.Equal(JsonSerializer.Serialize(new JobsApi.JobPage([view, view], "job_0"), Reflected),
            JsonSerializer.Serialize(new JobsApi.JobPage([view, view], "job_0"), HttpOptions()));
    }

    [Fact]
    public void The_api_writes_jobs_with_generated_metadata()
    {
        Assert.IsType<ApiJsonContext>(HttpOptions().GetTypeInfo(typeof(JobView)).OriginatingResolver);
        Assert.IsType<ApiJsonContext>(ApiJson.Options.GetTypeInfo(typeof(JobView)).OriginatingResolver);
        // A type the context does not name still works (reflection).
        Assert.Equal("""{"some_value":1}""", JsonSerializer.Serialize(new { SomeValue = 1 }, HttpOptions()));
    }

    [Fact]
    public void A_job_rows_json_columns_are_written_and_read_as_before()
    {
        var probe = new MediaInfo("mov,mp4,m4a,3gp,3g2,mj2", TimeSpan.FromSeconds(12.5), 123456,
            [new MediaStream(0, StreamKind.Video, "h264", 640, 360, 29.97, 375, "yuv420p", 8, 90, "1:1", "bt709", "bt709", "bt709", "tv", "progressive", 0, "und", false)
                { FrameRateFraction = "30000/1001", StartTime = TimeSpan.FromMilliseconds(40), StreamFrameRate = "30000/1001" },
             new MediaStream(1, StreamKind.Audio, "aac", 0, 0, 0, null, null, 0, 0, null, null, null, null, null, null, 2, "eng", false)], 3)
        { StartTime = TimeSpan.FromMilliseconds(20) };
        var result = new JobResult("results/job_1.mov", 1280, 720, 29.97, TimeSpan.FromSeconds(12.5), 375, 987654);

        Same(Spec, JobRowJson.Default.JobSpec);
        Same(new JobSpec(), JobRowJson.Default.JobSpec);
        Same(new JobInput("upl_1", null), JobRowJson.Default.JobInput);
        Same(Plan, JobRowJson.Default.PlannedOutput);
        Same(result, JobRowJson.Default.JobResult);
        Same(probe, JobRowJson.Default.MediaInfo);
    }

    private static void Same<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> generated)
    {
        var reflected = JsonSerializer.Serialize(value);
        Assert.Equal(reflected, JsonSerializer.Serialize(value, generated));
        Assert.Equal(reflected, JsonSerializer.Serialize(JsonSerializer.Deserialize(reflected, generated)));
    }

    private static JsonSerializerOptions HttpOptions()
    {
        var services = new ServiceCollection();
        services.AddUpresCore();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
    }
}
