namespace Upres.Service.Jobs;

public enum JobStatus { Queued, Processing, Completed, Failed, Cancelled }

public static class JobStatusNames
{
    public static string ToWire(this JobStatus s) => s switch
    {
        JobStatus.Queued => "queued",
        JobStatus.Processing => "processing",
        JobStatus.Completed => "completed",
        JobStatus.Failed => "failed",
        JobStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    public static JobStatus Parse(string s) => s switch
    {
        "queued" => JobStatus.Queued,
        "processing" => JobStatus.Processing,
        "completed" => JobStatus.Completed,
        "failed" => JobStatus.Failed,
        "cancelled" => JobStatus.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(s), s, null),
    };

    public static bool IsTerminal(this JobStatus s) => s is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;
}
