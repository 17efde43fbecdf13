namespace Upres.Service.Webhooks;

public static class WebhookEvents
{
    public const string Completed = "job.completed";
    public const string Failed = "job.failed";
    public const string Cancelled = "job.cancelled";
    public const string Progress = "job.progress";
}
