using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Upres.Service.Hosting;
using Upres.Service.Problems;

namespace Upres.Service.Accounts;

public static class AccountApi
{
    public static RouteGroupBuilder MapAccounts(this RouteGroupBuilder v1)
    {
        v1.MapGet("/account", GetAccount).WithName("GetAccount");
        v1.MapGet("/account/keys", (CurrentAccount me, IAccountStore store, CancellationToken ct) => ListKeys(me.Id, store, ct));
        v1.MapDelete("/account/keys/{keyId}", (string keyId, CurrentAccount me, IAccountStore store, CancellationToken ct) => RevokeKey(me.Id, keyId, store, ct));
        v1.MapPost("/account/webhook-secret/rotate", (CurrentAccount me, IAccountStore store, IOptions<UpresOptions> options, CancellationToken ct)
            => RotateWebhookSecret(me.Id, store, options, ct));
        return v1;
    }

    public static RouteGroupBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin").AddEndpointFilter<AdminKeyFilter>().WithTags("Admin");
        admin.MapPost("/accounts", CreateAccount);
        admin.MapGet("/accounts/{id}", GetAccountAdmin);
        admin.MapPost("/accounts/{id}/keys", CreateKey);
        admin.MapPost("/accounts/{id}/credits", AddCredits);
        admin.MapPut("/accounts/{id}/storage-quota", SetStorageQuota);
        admin.MapGet("/accounts/{id}/keys", ListKeys);
        admin.MapDelete("/accounts/{id}/keys/{keyId}", RevokeKey);
        admin.MapPost("/accounts/{id}/webhook-secret/rotate", RotateWebhookSecret);
        admin.MapPost("/quickstart", QuickStart);
        return admin;
    }

    public static async Task<Ok<AccountWithLedger>> GetAccount(CurrentAccount me, IAccountStore store, CancellationToken ct)
    {
        var account = await store.GetAsync(me.Id, ct) ?? me.Account;
        return TypedResults.Ok(new AccountWithLedger(AccountView.From(account), await store.LedgerAsync(me.Id, 50, ct)));
    }

    public static async Task<Results<Created<AccountView>, ProblemHttpResult>> CreateAccount(CreateAccountBody body, IAccountStore store, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 200)
        {
            return Errors.Validation("'name' is required (at most 200 characters).").ToProblem();
        }

        if (body.Credits is < 0)
        {
            return Errors.Validation("'credits' may not be negative.").ToProblem();
        }

        var account = await store.CreateAsync(body.Name.Trim(), body.Credits ?? 0, ct);
        return TypedResults.Created($"/v1/admin/accounts/{account.Id}", AccountView.From(account));
    }

    /// First run without curl: the page trades the admin key for a personal account (found by name,
    /// or made with the starting credits) and a new key for it, so a second sign-in keeps the history.
    public static async Task<Results<Created<QuickStartView>, Ok<QuickStartView>, ProblemHttpResult>> QuickStart(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] QuickStartBody? body, IAccountStore store, CancellationToken ct)
    {
        body ??= new QuickStartBody(null, null);
        var name = string.IsNullOrWhiteSpace(body.Name) ? DefaultQuickStartName : body.Name.Trim();
        if (name.Length > 200)
        {
            return Errors.Validation("'name' may be at most 200 characters.").ToProblem();
        }

        if (body.Credits is < 0)
        {
            return Errors.Validation("'credits' may not be negative.").ToProblem();
        }

        var existing = await store.FindByNameAsync(name, ct);
        var account = existing ?? await store.CreateAsync(name, body.Credits ?? DefaultQuickStartCredits, ct);
        var key = await store.CreateKeyAsync(account.Id, ct) ?? throw new InvalidOperationException($"account {account.Id} vanished");
        var view = new QuickStartView(AccountView.From(account), new ApiKeyView(key.Id, key.AccountId, key.Key, key.Prefix, key.CreatedAt), existing is null);
        return existing is null ? TypedResults.Created($"/v1/admin/accounts/{account.Id}", view) : TypedResults.Ok(view);
    }

    public const string DefaultQuickStartName = "me";

    public const long DefaultQuickStartCredits = 1000;

    public static async Task<Results<Ok<AccountWithLedger>, ProblemHttpResult>> GetAccountAdmin(string id, IAccountStore store, CancellationToken ct)
        => await store.GetAsync(id, ct) is { } account
            ? TypedResults.Ok(new AccountWithLedger(AccountView.From(account), await store.LedgerAsync(id, 200, ct)))
            : Errors.NotFound("account", id).ToProblem();

    public static async Task<Results<Created<ApiKeyView>, ProblemHttpResult>> CreateKey(string id, IAccountStore store, CancellationToken ct)
    {
        var key = await store.CreateKeyAsync(id, ct);
        return key is null
            ? Errors.NotFound("account", id).ToProblem()
            : TypedResults.Created($"/v1/admin/accounts/{id}", new ApiKeyView(key.Id, key.AccountId, key.Key, key.Prefix, key.CreatedAt));
    }

    public static async Task<Results<Ok<IReadOnlyList<ApiKeyInfo>>, ProblemHttpResult>> ListKeys(string id, IAccountStore store, CancellationToken ct)
        => await store.ListKeysAsync(id, ct) is { } keys ? TypedResults.Ok(keys) : Errors.NotFound("account", id).ToProblem();

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(string id, string keyId, IAccountStore store, CancellationToken ct)
        => await store.RevokeKeyAsync(id, keyId, ct) ? TypedResults.NoContent() : Errors.NotFound("key", keyId).ToProblem();

    public static async Task<Results<Ok<RotatedSecret>, ProblemHttpResult>> RotateWebhookSecret(string id, IAccountStore store, IOptions<UpresOptions> options, CancellationToken ct)
        => await store.RotateWebhookSecretAsync(id, TimeSpan.FromHours(options.Value.WebhookSecretOverlapHours), ct) is { } rotated
            ? TypedResults.Ok(rotated)
            : Errors.NotFound("account", id).ToProblem();

    public static async Task<Results<Ok<AccountView>, ProblemHttpResult>> SetStorageQuota(string id, StorageQuotaBody body, IAccountStore store, CancellationToken ct)
    {
        if (body.QuotaBytes is < 0)
        {
            return Errors.Validation("'quota_bytes' is a number of bytes (0: no quota), or null for the server's default.").ToProblem();
        }

        return await store.SetStorageQuotaAsync(id, body.QuotaBytes, ct) is { } account
            ? TypedResults.Ok(AccountView.From(account))
            : Errors.NotFound("account", id).ToProblem();
    }

    public static async Task<Results<Ok<AccountView>, ProblemHttpResult>> AddCredits(string id, AddCreditsBody body, IAccountStore store, CancellationToken ct)
    {
        if (body.Amount is null or 0)
        {
            return Errors.Validation("'amount' must be a non-zero integer.").ToProblem();
        }

        if (await store.GetAsync(id, ct) is null)
        {
            return Errors.NotFound("account", id).ToProblem();
        }

        var account = await store.AddCreditsAsync(id, body.Amount.Value, body.Note, ct);
        return account is null
            ? Errors.Validation("The balance may not drop below what is reserved.").ToProblem()
            : TypedResults.Ok(AccountView.From(account));
    }
}
