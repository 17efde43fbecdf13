namespace Upres.Service.Billing;

public sealed record PriceQuote(long Credits, long BillableSeconds, decimal CreditsPerSecond, string Tier, PriceQuery Query);
