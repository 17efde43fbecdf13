using System.Text;
using Microsoft.AspNetCore.Http;

namespace Upres.Service.Dialects;

/// Reads a vendor JSON body as text with a cap, so an oversized or slow body is refused in the
/// vendor's shape before any parsing.
public static class DialectBody
{
    public const int MaxJsonBytes = 64 * 1024;

    public static async Task<(string? Body, DialectProblem? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxJsonBytes)
        {
            return (null, new DialectProblem(ProblemKind.PayloadTooLarge, $"request body is larger than {MaxJsonBytes} bytes"));
        }

        var buffer = new byte[MaxJsonBytes + 1];
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await request.Body.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        if (total > MaxJsonBytes)
        {
            return (null, new DialectProblem(ProblemKind.PayloadTooLarge, $"request body is larger than {MaxJsonBytes} bytes"));
        }

        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, total), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, new DialectProblem(ProblemKind.MalformedJson, "request body is not valid UTF-8"));
        }
    }
}
