using Microsoft.AspNetCore.Http;

namespace Upres.Service.Dialects;

/// Small steps a door handler takes; each refusal is thrown as a DialectProblemException, which
/// the door's filter renders in the vendor's shape.
public static class DialectFlow
{
    public static DialectProblemException Problem(ProblemKind kind, string message, string? field = null) => new(new DialectProblem(kind, message, field));

    public static void ThrowIf(DialectProblem? problem)
    {
        if (problem is not null)
        {
            throw new DialectProblemException(problem);
        }
    }

    public static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, problem) = await DialectBody.ReadAsync(request, cancellationToken);
        ThrowIf(problem);
        return body!;
    }

    public static T Valid<T>(Validated<T> validated)
        where T : class => validated.IsValid ? validated.Value : throw new DialectProblemException(validated.Problem);
}
