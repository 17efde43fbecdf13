using System.Diagnostics.CodeAnalysis;

namespace Upres.Service.Dialects;

/// Either a validated request or the first problem found in it.
public readonly record struct Validated<T>(T? Value, DialectProblem? Problem)
    where T : class
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool IsValid => Problem is null && Value is not null;
}

public static class Validation
{
    /// Runs a validator that throws DialectProblemException at its first problem.
    public static Validated<T> Run<T>(Func<T> validate)
        where T : class
    {
        try
        {
            return new Validated<T>(validate(), null);
        }
        catch (DialectProblemException e)
        {
            return new Validated<T>(null, e.Problem);
        }
    }
}
