namespace Upres.Service.Dialects.Kokoon;

/// kokoon gives a task (tid) and its result video (out_vid) different ids; Upres derives the
/// result video's id from the job id so that no second table is needed.
public static class KokoonIds
{
    private const string JobPrefix = "job_";
    private const string OutPrefix = "out_";

    public static string OutVid(string jobId) =>
        jobId.StartsWith(JobPrefix, StringComparison.Ordinal) ? OutPrefix + jobId[JobPrefix.Length..] : OutPrefix + jobId;

    /// The job behind a result video id; null for an original's id.
    public static string? JobOf(string vid) =>
        vid.StartsWith(OutPrefix, StringComparison.Ordinal) && vid.Length > OutPrefix.Length ? JobPrefix + vid[OutPrefix.Length..] : null;
}
