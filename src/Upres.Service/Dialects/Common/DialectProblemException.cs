namespace Upres.Service.Dialects;

/// Lets the field readers stop at the first problem without threading results through every call;
/// it never leaves a validator.
public sealed class DialectProblemException(DialectProblem problem) : Exception(problem.Message)
{
    public DialectProblem Problem { get; } = problem;
}
