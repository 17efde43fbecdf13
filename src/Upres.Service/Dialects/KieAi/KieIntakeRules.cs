using Upres.Engine.Media;
using Upres.Service.Jobs;

namespace Upres.Service.Dialects.KieAi;

/// kie.ai's documented limits (10 MB; MP4, MOV, MKV), checked on the fetched file in the worker.
public sealed class KieIntakeRules : DialectIntakeRules
{
    public override string Dialect => KieDialect.Name;

    public override long? MaxInputBytes => KieDialect.MaxInputBytes;

    public override JobFailed? Check(JobRecord job, long sizeBytes, MediaInfo probe) => Failed(KieDialect.CheckInput(sizeBytes, probe.FormatName));
}
