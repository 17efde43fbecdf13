using System.Text.Json;
using Upres.Engine.Pipeline;

namespace Upres.Service.Jobs;

/// The native create body (snake_case on the wire).
public sealed record CreateJobBody
{
    public InputBody? Input { get; init; }
    public string? Model { get; init; }
    public string? Preset { get; init; }
    public bool? UseSr { get; init; }
    public int? Scale { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    public FitMode? Fit { get; init; }
    public TrimBody? Trim { get; init; }
    public double? MaxFps { get; init; }
    public double? Fps { get; init; }
    public bool? InterpolateVfr { get; init; }
    public VideoCodec? Codec { get; init; }
    public ContainerFormat? Container { get; init; }
    public int? Crf { get; init; }
    public int? BitrateKbps { get; init; }
    public int? Denoise { get; init; }
    public bool? Deinterlace { get; init; }
    public int? Grain { get; init; }
    public bool? Preview { get; init; }
    public bool? HoldFrames { get; init; }
    public double? HoldThresholdDb { get; init; }
    public string? WebhookUrl { get; init; }
    public bool? WebhookProgress { get; init; }
    public JsonElement? Metadata { get; init; }
    public bool? EstimateOnly { get; init; }

    public sealed record InputBody(string? UploadId, string? Url);

    public sealed record TrimBody(long? StartMs, long? DurationMs);

    public JobSpec ToSpec() => new()
    {
        Model = Model ?? Preset,
        UseSr = UseSr ?? true,
        Scale = Scale,
        Width = Width,
        Height = Height,
        Fit = Fit ?? FitMode.Pad,
        StartMs = Trim?.StartMs,
        DurationMs = Trim?.DurationMs,
        MaxFps = MaxFps,
        Fps = Fps,
        InterpolateVfr = InterpolateVfr ?? false,
        Codec = Codec ?? VideoCodec.H264,
        Container = Container ?? ContainerFormat.Mp4,
        Crf = Crf,
        BitrateKbps = BitrateKbps,
        Denoise = Denoise ?? 0,
        Deinterlace = Deinterlace ?? false,
        FilmGrain = Grain ?? 0,
        Preview = Preview ?? false,
        HoldFrames = HoldFrames,
        HoldThresholdDb = HoldThresholdDb,
    };
}
