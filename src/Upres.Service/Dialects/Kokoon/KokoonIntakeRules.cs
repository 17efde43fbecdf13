using System.Globalization;
using Microsoft.Extensions.Options;
using Upres.Service.Jobs;
using Upres.Service.Problems;
using Upres.Service.Uploads;

namespace Upres.Service.Dialects.Kokoon;

/// kokoon's inputs are its own uploads; it bills the processed duration. use_trim_orig's new video
/// is made here, in the worker, under the id the create answered with, and kept 14 days.
public sealed class KokoonIntakeRules(DialectInputs inputs, IUploadStore uploads, IOptions<DialectOptions> options, TimeProvider clock) : DialectIntakeRules
{
    public override string Dialect => KokoonDialect.Name;

    public static string TrimmedName(UploadRecord original, long startMs, long durationMs) =>
        Path.GetFileNameWithoutExtension(original.FileName ?? original.Id) + string.Create(CultureInfo.InvariantCulture, $"--trim_{startMs}_{durationMs}") + ".mp4";

    public override async Task BeforeRunAsync(JobRecord job, CancellationToken cancellationToken)
    {
        if (KokoonViews.Data(job) is not { TrimOrig: { } trim } data
            || await uploads.GetAsync(job.AccountId, data.InVid, cancellationToken) is not null)
        {
            return;
        }

        var source = await uploads.GetAsync(job.AccountId, trim.Source, cancellationToken)
            ?? throw new ServiceException(Errors.NotFound("upload", trim.Source));
        await inputs.TrimAsync(source, data.InVid, trim.StartMs, trim.DurationMs, cancellationToken);
        await uploads.KeepUntilAsync(data.InVid, clock.GetUtcNow() + TimeSpan.FromDays(options.Value.KokoonOriginalDays), cancellationToken);
    }
}
