using Upres.Engine.Media;
using Upres.Service.Jobs;

namespace Upres.Service.Dialects.HitPaw;

/// HitPaw's documented limits (200 MB; MP4, AVI, MOV, MKV, WebM; 10 minutes; its frame sizes) and
/// its colour and low-light models' filters, all in the worker.
public sealed class HitPawIntakeRules(DialectInputs inputs) : DialectIntakeRules
{
    public override string Dialect => HitPawDialect.Name;

    public override long? MaxInputBytes => HitPawDialect.MaxInputBytes;

    public override JobFailed? Check(JobRecord job, long sizeBytes, MediaInfo probe)
        => Failed(HitPawDialect.CheckInput(sizeBytes, probe.FormatName, probe.Duration, probe.Video!.Width, probe.Video.Height));

    public override async Task<string> TransformAsync(JobRecord job, string input, Func<string, string> scratch, CancellationToken cancellationToken)
    {
        var data = job.DialectData is null ? null : DialectJson.Deserialize<HitPawJobData>(job.DialectData);
        if (data is null || !Enum.TryParse<ClassicalFilter>(data.Filter, out var filter) || filter == ClassicalFilter.None)
        {
            return input;
        }

        var output = scratch("filtered.mp4");
        await inputs.FilterFileAsync(input, output, filter, cancellationToken);
        return output;
    }
}
