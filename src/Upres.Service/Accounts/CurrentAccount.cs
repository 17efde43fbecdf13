namespace Upres.Service.Accounts;

/// The caller, as the account its API key belongs to. Set once per request by ApiKeyFilter.
public sealed class CurrentAccount
{
    private Account? _account;

    public Account Account => _account ?? throw new InvalidOperationException("no authenticated account on this request");

    public string Id => Account.Id;

    public bool IsAuthenticated => _account is not null;

    internal void Set(Account account) => _account = account;
}
