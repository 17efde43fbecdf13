namespace Upres.Service.Jobs;

/// The registered rules by door; a door without its own gets the native rules.
public sealed class IntakeRules(IEnumerable<IIntakeRules> all)
{
    private readonly Dictionary<string, IIntakeRules> _byDialect = all.ToDictionary(r => r.Dialect, StringComparer.Ordinal);
    private readonly NativeIntakeRules _native = new();

    public IIntakeRules For(string dialect) => _byDialect.GetValueOrDefault(dialect) ?? _native;
}
