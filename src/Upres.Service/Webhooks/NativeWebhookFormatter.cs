using System.Text.Json;
using System.Text.Json.Nodes;
using Upres.Service.Hosting;
using Upres.Service.Jobs;

namespace Upres.Service.Webhooks;

/// The native API's event: `{"id","type","timestamp","data": <the job as GET /v1/jobs/{id} shows it>}`.
public sealed class NativeWebhookFormatter : IWebhookPayloadFormatter
{
    public string Dialect => "native";

    public WebhookPayload? Format(WebhookEventContext context)
    {
        var body = new JsonObject
        {
            ["id"] = context.MessageId,
            ["type"] = context.EventType,
            ["timestamp"] = context.Timestamp.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["data"] = JsonSerializer.SerializeToNode(JobView.From(context.Job, context.Result), ApiJson.Options),
        };
        return new WebhookPayload(body.ToJsonString());
    }
}
