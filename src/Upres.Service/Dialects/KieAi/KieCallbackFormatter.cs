using Upres.Service.Jobs;
using Upres.Service.Webhooks;

namespace Upres.Service.Dialects.KieAi;

/// The callBackUrl POST: the recordInfo body, code 200 on success and 501 ("generation failed")
/// otherwise. kie.ai sends no progress callbacks.
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
        var body = new KieEnvelope<KieRecordInfo>(
            success ? 200 : 501,
            success ? "success" : "generation failed",
            KieRecords.From(context.Job, context.Result?.Url.ToString()));
        return new WebhookPayload(DialectJson.Serialize(body));
    }
}
