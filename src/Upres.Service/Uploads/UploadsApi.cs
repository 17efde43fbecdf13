using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Upres.Service.Accounts;
using Upres.Service.Problems;

namespace Upres.Service.Uploads;

public static class UploadsApi
{
    public sealed record UploadView(string Id, string? FileName, long SizeBytes, double DurationSeconds, int Width, int Height, double FrameRate, string Format, bool HasAudio, DateTimeOffset CreatedAt);

    public static RouteGroupBuilder MapUploads(this RouteGroupBuilder v1)
    {
        v1.MapPost("/uploads", Upload).DisableAntiforgery().WithName("Upload")
            .Accepts<IFormFile>("multipart/form-data");
        return v1;
    }

    public static async Task<Results<Created<UploadView>, ProblemHttpResult>> Upload(HttpRequest request, CurrentAccount me, UploadReceiver receiver, CancellationToken ct)
    {
        try
        {
            var (upload, probe) = await receiver.ReceiveAsync(request, me.Id, "file", null, ct);
            var video = probe.Video!;
            return TypedResults.Created($"/v1/uploads/{upload.Id}", new UploadView(
                upload.Id, upload.FileName, upload.SizeBytes, probe.Duration.TotalSeconds, video.Width, video.Height, video.FrameRate,
                probe.FormatName, probe.Audio.Any(), upload.CreatedAt));
        }
        catch (ServiceException e)
        {
            return e.Error.ToProblem();
        }
    }
}
