using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Upres.Service.Accounts;

namespace Upres.Service.Dialects.KieAi;

/// kie.ai keeps the webhookHmacKey on its settings page; Upres's settings page is its native API:
/// GET /v1/account/webhook-hmac-key reads it, POST /v1/account/webhook-hmac-key/rotate replaces it.
public static class KieHmacKeyApi
{
    public static RouteGroupBuilder MapKieHmacKey(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/account/webhook-hmac-key").AddEndpointFilter<ApiKeyFilter>().WithTags("Native API");
        group.MapGet("", Get);
        group.MapPost("/rotate", Rotate);
        return group;
    }

    public static async Task<Ok<HmacKeyView>> Get(CurrentAccount me, KieHmacKeys keys, CancellationToken ct) =>
        TypedResults.Ok(new HmacKeyView(await keys.GetAsync(me.Id, ct)));

    public static async Task<Ok<HmacKeyView>> Rotate(CurrentAccount me, KieHmacKeys keys, CancellationToken ct) =>
        TypedResults.Ok(new HmacKeyView(await keys.RotateAsync(me.Id, ct)));

    public sealed record HmacKeyView([property: JsonPropertyName("webhook_hmac_key")] string WebhookHmacKey);
}
