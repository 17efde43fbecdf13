using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Upres.Engine.Media;
using Upres.Service.Accounts;
using Upres.Service.Problems;
using Upres.Service.Storage;

namespace Upres.Service.Uploads;

public static class UploadsApi
{
    public sealed record UploadView(string Id, string? FileName, long SizeBytes, double DurationSeconds, int Width, int Height, double FrameRate, string Format, bool HasAudio, DateTimeOffset CreatedAt);

    public static RouteGroupBuilder MapUploads(this RouteGroupBuilder v1)
    {
        v1.MapPost("/uploads", Upload).DisableAntiforgery().WithName("Upload")
            .Accepts<IFormFile>("multipart/form-data");
        v1.MapGet("/uploads/{id}", Get).WithName("GetUpload");
        return v1;
    }

    public static async Task<Results<Created<UploadView>, ProblemHttpResult>> Upload(HttpRequest request, CurrentAccount me, UploadReceiver receiver, CancellationToken ct)
    {
        try
        {
            var (upload, probe) = await receiver.ReceiveAsync(request, me.Id, "file", null, ct);
            return TypedResults.Created($"/v1/uploads/{upload.Id}", View(upload, probe));
        }
        catch (ServiceException e)
        {
            return e.Error.ToProblem();
        }
    }

    /// An upload's facts, for a client that re-runs an old job (the file goes at the retention limit).
    public static async Task<Results<Ok<UploadView>, ProblemHttpResult>> Get(string id, CurrentAccount me, IUploadStore uploads, StorageRoot storage, CancellationToken ct)
        => await uploads.GetAsync(me.Id, id, ct) is { } upload && File.Exists(storage.PathOf(upload.Key))
            ? TypedResults.Ok(View(upload, JsonSerializer.Deserialize<MediaInfo>(upload.ProbeJson)!))
            : Errors.NotFound("upload", id).ToProblem();

    private static UploadView View(UploadRecord upload, MediaInfo probe)
    {
        var video = probe.Video!;
        return new UploadView(upload.Id, upload.FileName, upload.SizeBytes, probe.Duration.TotalSeconds, video.Width, video.Height, video.FrameRate,
            probe.FormatName, probe.Audio.Any(), upload.CreatedAt);
    }
}
