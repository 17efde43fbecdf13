using Upres.Engine.Media;
using Upres.Service.Jobs;

namespace Upres.Service.Dialects.KieAi;

/// kie.ai's documented limits (10 MB; MP4, MOV, MKV), checked on the fetched file in the worker.
public sealed class KieIntakeRules : DialectIntakeRules
{
    /// A format the create's glance could not name: accepted there, judged by the worker's probe.
    public const string UnknownFormat = "mov,mp4";

    public override string Dialect => KieDialect.Name;

    public override long? MaxInputBytes => KieDialect.MaxInputBytes;

    public override JobFailed? Check(JobRecord job, long sizeBytes, MediaInfo probe) => Failed(KieDialect.CheckInput(sizeBytes, probe.FormatName));
}
