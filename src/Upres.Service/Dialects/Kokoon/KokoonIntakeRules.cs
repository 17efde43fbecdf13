namespace Upres.Service.Dialects.Kokoon;

/// kokoon's inputs are its own uploads; it bills the processed duration.
public sealed class KokoonIntakeRules : DialectIntakeRules
{
    public override string Dialect => KokoonDialect.Name;
}
