using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Upres.Engine.Media;
using Upres.Service.Hosting;
using Upres.Service.Storage;
using Upres.Service.Uploads;

namespace Upres.Service.Dialects.Kokoon;

/// An original's `url` and `thumb_url`: signed, expiring links that need no key (kokoon hands out
/// storage links the same way), served under the kokoon prefix so their errors are kokoon's too.
public static class KokoonFiles
{
    public const string ThumbnailSuffix = ".thumb.jpg";
    private const string Route = "/files";

    public static RouteGroupBuilder MapKokoonFiles(this IEndpointRouteBuilder app)
    {
        // Outside the door's group on purpose: the signature is the credential.
        var files = app.MapGroup(KokoonDialect.BasePath + Route).WithTags("Dialect: kokoon").ExcludeFromDescription();
        files.MapGet("/{uid}/{vid}", Original);
        files.MapGet("/{uid}/{vid}/thumb.jpg", Thumbnail);
        return files;
    }

    public static (string Url, string ThumbUrl) LinksFor(UploadRecord upload, ResultLinks links, PublicBaseUrl baseUrl, UpresOptions options)
    {
        var path = $"{KokoonDialect.BasePath.TrimStart('/')}{Route}/{Uri.EscapeDataString(upload.AccountId)}/{Uri.EscapeDataString(upload.Id)}";
        return (Signed(path, Subject(upload.AccountId, upload.Id, "original")), Signed(path + "/thumb.jpg", Subject(upload.AccountId, upload.Id, "thumb")));

        string Signed(string relative, string subject)
        {
            var (expires, sig) = links.SignSubject(subject, options.ResultLinkLifetime);
            return new Uri(baseUrl.Get(), $"{relative}?expires={expires}&sig={sig}").ToString();
        }
    }

    public static async Task<IResult> Original(string uid, string vid, long? expires, string? sig, ResultLinks links, IUploadStore uploads, StorageRoot storage, CancellationToken ct)
    {
        var upload = await CheckedAsync(uid, vid, "original", expires, sig, links, uploads, storage, ct);
        if (upload is null)
        {
            return Refused();
        }

        return Results.File(storage.PathOf(upload.Key), "application/octet-stream", upload.FileName ?? upload.Id + ".mp4", enableRangeProcessing: true);
    }

    public static async Task<IResult> Thumbnail(
        string uid, string vid, long? expires, string? sig, ResultLinks links, IUploadStore uploads, StorageRoot storage, FfmpegTools ffmpeg, CancellationToken ct)
    {
        var upload = await CheckedAsync(uid, vid, "thumb", expires, sig, links, uploads, storage, ct);
        if (upload is null)
        {
            return Refused();
        }

        var thumb = await EnsureThumbnailAsync(storage.PathOf(upload.Key), upload.ProbeJson, ffmpeg, ct);
        return Results.File(thumb, "image/jpeg");
    }

    /// One JPEG frame 320 pixels wide, made on first request and kept beside the original (the
    /// retention sweep deletes both).
    public static async Task<string> EnsureThumbnailAsync(string original, string probeJson, FfmpegTools ffmpeg, CancellationToken ct)
    {
        var thumb = original + ThumbnailSuffix;
        if (File.Exists(thumb))
        {
            return thumb;
        }

        var probe = System.Text.Json.JsonSerializer.Deserialize<MediaInfo>(probeJson)!;
        var at = TimeSpan.FromSeconds(Math.Min(1.0, probe.Duration.TotalSeconds / 2));
        var temp = thumb + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            await ffmpeg.ThumbnailAsync(original, probe.Demuxer, at, 320, temp, ct);
            File.Move(temp, thumb, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        return thumb;
    }

    private static string Subject(string uid, string vid, string kind) => $"kokoon-{kind}:{uid}/{vid}";

    private static async Task<UploadRecord?> CheckedAsync(
        string uid, string vid, string kind, long? expires, string? sig, ResultLinks links, IUploadStore uploads, StorageRoot storage, CancellationToken ct)
    {
        if (expires is null || !links.Verify(Subject(uid, vid, kind), expires.Value, sig))
        {
            return null;
        }

        var upload = await uploads.GetAsync(uid, vid, ct);
        return upload is not null && File.Exists(storage.PathOf(upload.Key)) ? upload : null;
    }

    private static IResult Refused() =>
        KokoonDialect.Fail(new DialectProblem(ProblemKind.NotFound, "the link has expired, is not valid, or the video was deleted"));
}
