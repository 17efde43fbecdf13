using Upres.Engine.Media;
using Upres.Service.Jobs;

namespace Upres.Service.Dialects.HitPaw;

/// HitPaw's documented limits (200 MB; MP4, AVI, MOV, MKV, WebM; 10 minutes; its frame sizes),
/// checked by the worker on the fetched file. Its colour and low-light filters are the job's
/// (UpscaleRequest.Filter), applied in the one processing pass.
public sealed class HitPawIntakeRules : DialectIntakeRules
{
    public override string Dialect => HitPawDialect.Name;

    public override long? MaxInputBytes => HitPawDialect.MaxInputBytes;

    public override JobFailed? Check(JobRecord job, long sizeBytes, MediaInfo probe)
        => Failed(HitPawDialect.CheckInput(sizeBytes, probe.FormatName, probe.Duration, probe.Video!.Width, probe.Video.Height));
}
