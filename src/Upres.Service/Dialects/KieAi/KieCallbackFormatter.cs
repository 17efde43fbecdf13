using Upres.Service.Jobs;
using Upres.Service.Webhooks;

namespace Upres.Service.Dialects.KieAi;

/// The callBackUrl POST: `{code, msg, data}` with the task record as data (plus task_id, see
/// KieCallbackRecord), code 200 on success and 501 ("generation failed") otherwise. kie.ai sends
/// no progress callbacks. The X-Webhook-* signature is added when it is sent (KieCallbackSigner).
public sealed class KieCallbackFormatter : IWebhookPayloadFormatter
{
    public string Dialect => KieDialect.Name;

    public WebhookPayload? Format(WebhookEventContext context)
    {
        if (!context.Job.Status.IsTerminal())
        {
            return null;
        }

        var success = context.Job.Status == JobStatus.Completed;
        var body = new KieEnvelope<KieCallbackRecord>(
            success ? 200 : 501,
            success ? "success" : "generation failed",
            new KieCallbackRecord(KieRecords.From(context.Job, context.Result?.Url.ToString())));
        return new WebhookPayload(DialectJson.Serialize(body));
    }
}
