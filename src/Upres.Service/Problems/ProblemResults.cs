using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Upres.Service.Problems;

public static class ProblemResults
{
    public static ProblemHttpResult ToProblem(this ServiceError error)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = error.Code };
        if (error.Extra is not null)
        {
            foreach (var (k, v) in error.Extra)
            {
                extensions[k] = v;
            }
        }

        return TypedResults.Problem(
            detail: error.Detail,
            statusCode: error.Status,
            title: error.Title,
            type: $"https://upres.dev/problems/{error.Code}",
            extensions: extensions);
    }
}
