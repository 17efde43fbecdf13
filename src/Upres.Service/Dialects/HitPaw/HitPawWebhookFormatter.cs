using Upres.Service.Jobs;
using Upres.Service.Webhooks;

namespace Upres.Service.Dialects.HitPaw;

/// The web_hook_url POST, `{"job_id", "status", "res_url"}`, sent when the job completes or fails.
public sealed class HitPawWebhookFormatter : IWebhookPayloadFormatter
{
    public string Dialect => HitPawDialect.Name;

    public WebhookPayload? Format(WebhookEventContext context) =>
        context.Job.Status.IsTerminal()
            ? new WebhookPayload(DialectJson.Serialize(HitPawDialectApi.View(context.Job, context.Result?.Url.ToString())))
            : null;
}
