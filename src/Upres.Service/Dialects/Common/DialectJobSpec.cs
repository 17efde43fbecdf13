using Upres.Engine.Pipeline;
using Upres.Service.Jobs;

namespace Upres.Service.Dialects;

/// A dialect request after validation, in Upres terms: what the shared job core is asked to do.
/// Everything vendor-specific has been decided by the time one of these exists.
public sealed record DialectJobSpec
{
    /// "mingyan", "kokoon", "kieai", "hitpaw": kept on the job so queries and callbacks answer in
    /// the dialect the job came in by.
    public required string Dialect { get; init; }

    /// Exactly one of InputUrl and InputVideoId (an upload id) is set.
    public string? InputUrl { get; init; }
    public string? InputVideoId { get; init; }

    public ModelFamily Family { get; init; } = ModelFamily.RealWorld;

    /// False: no super-resolution, only a classical resize and the requested filters.
    public bool UseSr { get; init; } = true;

    public int? Scale { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }

    /// The output's shorter side (a resolution class); see JobSpec.ShortSide.
    public int? ShortSide { get; init; }

    public FitMode Fit { get; init; } = FitMode.Pad;

    public double? MaxFps { get; init; }
    public long? StartMs { get; init; }
    public long? DurationMs { get; init; }

    /// A short preview clip of at most JobSpec.PreviewMs from StartMs.
    public bool Preview { get; init; }

    public VideoCodec Codec { get; init; } = VideoCodec.H264;
    public ContainerFormat Container { get; init; } = ContainerFormat.Mp4;

    public bool Deinterlace { get; init; }
    public int Denoise { get; init; }
    public int FilmGrain { get; init; }
    public ClassicalFilter Filter { get; init; } = ClassicalFilter.None;

    /// A catalog model that overrides Family (a configured HitPaw face model, for one).
    public string? ModelOverride { get; init; }

    public string? WebhookUrl { get; init; }

    /// The vendor's model name or id, echoed back in its responses.
    public string? VendorModel { get; init; }

    /// The vendor request as received (kie.ai echoes it as `param`).
    public string? VendorRequestJson { get; init; }

    public string? CatalogModel => UseSr ? ModelOverride ?? DialectModels.CatalogName(Family) : null;

    /// The core's normalized request; the classical filter runs in the job's one processing pass.
    public JobSpec ToJobSpec() => new()
    {
        Model = CatalogModel,
        UseSr = UseSr,
        Scale = Width is null && Height is null && ShortSide is null ? Scale : null,
        Width = Width,
        Height = Height,
        ShortSide = Width is null && Height is null ? ShortSide : null,
        Fit = Fit,
        StartMs = StartMs,
        DurationMs = DurationMs,
        MaxFps = MaxFps,
        Preview = Preview,
        Codec = Codec,
        Container = Container,
        Deinterlace = Deinterlace,
        Filter = Filter,
        Denoise = Denoise,
        FilmGrain = FilmGrain,
    };
}
