namespace Upres.Service.Dialects.Kokoon;

/// kokoon gives a task (tid) and its result video (out_vid) different ids; Upres derives the
/// result video's id from the job id so that no second table is needed.
public static class KokoonIds
{
    private const string JobPrefix = "job_";
    private const string OutPrefix = "out_";
    private const string CutPrefix = "cut_";

    public static string OutVid(string jobId) =>
        jobId.StartsWith(JobPrefix, StringComparison.Ordinal) ? OutPrefix + jobId[JobPrefix.Length..] : OutPrefix + jobId;

    /// use_trim_orig's new original, made by the task's worker: its id names the task too, so the
    /// video can be answered (processing) before the worker has made it.
    public static string CutVid(string jobId) =>
        jobId.StartsWith(JobPrefix, StringComparison.Ordinal) ? CutPrefix + jobId[JobPrefix.Length..] : CutPrefix + jobId;

    public static string? JobOfCut(string vid) =>
        vid.StartsWith(CutPrefix, StringComparison.Ordinal) && vid.Length > CutPrefix.Length ? JobPrefix + vid[CutPrefix.Length..] : null;

    /// The job behind a result video id; null for an original's id.
    public static string? JobOf(string vid) =>
        vid.StartsWith(OutPrefix, StringComparison.Ordinal) && vid.Length > OutPrefix.Length ? JobPrefix + vid[OutPrefix.Length..] : null;
}
