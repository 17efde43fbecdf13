using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Upres.Engine.Media;
using Upres.Service.Accounts;
using Upres.Service.Data;
using Upres.Service.Hosting;
using Upres.Service.Problems;
using Upres.Service.Security;
using Upres.Service.Storage;

namespace Upres.Service.Uploads;

/// Streams a multipart file field to disk (never into memory), caps its size, then checks it is a
/// video the service accepts. Dialects with their own upload call use ReceiveAsync too. The account's
/// storage quota caps the stream as well (a file that cannot fit is cut off, not written whole); the
/// bytes are counted against it atomically when the upload is stored.
public sealed class UploadReceiver(IUploadStore store, IAccountStore accounts, MediaGuard guard, StorageRoot storage, StorageSpace space, IOptions<UpresOptions> options, TimeProvider clock)
{
    public async Task<(UploadRecord Upload, MediaInfo Probe)> ReceiveAsync(HttpRequest request, string accountId, string fieldName, long? maxBytes, CancellationToken cancellationToken)
    {
        space.EnsureRoomForNewWork();
        var limit = maxBytes ?? options.Value.MaxUploadBytes;
        var usage = (await accounts.GetAsync(accountId, cancellationToken))?.Storage ?? StorageUsage.None;
        if (usage.AvailableBytes is { } room)
        {
            var declared = request.ContentLength is { } length ? Math.Max(1, length - (64 * 1024)) : 1;
            if (room < declared)
            {
                throw new ServiceException(Errors.StorageQuotaExceeded(usage, request.ContentLength is null ? null : declared));
            }
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            // Multipart framing adds a little; the file itself is capped exactly below.
            sizeFeature.MaxRequestBodySize = limit + (64 * 1024);
        }

        if (request.ContentLength > limit + (64 * 1024))
        {
            throw new ServiceException(Errors.PayloadTooLarge(limit));
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw new ServiceException(Errors.Validation($"Send multipart/form-data with the video in the field '{fieldName}'."));
        }

        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
        {
            throw new ServiceException(Errors.Validation("The multipart boundary is missing."));
        }

        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
        var id = Ids.New("upl");
        var key = StorageRoot.UploadKey(id);
        var path = storage.PrepareWrite(key);
        try
        {
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(cancellationToken)) is not null)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !string.Equals(HeaderUtilities.RemoveQuotes(disposition.Name).Value, fieldName, StringComparison.Ordinal))
                {
                    continue;
                }

                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                var size = usage.AvailableBytes is { } available && available < limit
                    ? await CopyCappedAsync(section.Body, path, available, written => Errors.StorageQuotaExceeded(usage, written), cancellationToken)
                    : await CopyCappedAsync(section.Body, path, limit, cancellationToken);
                var probe = await guard.InspectAsync(path, cancellationToken);
                var upload = new UploadRecord(id, accountId, key, Path.GetFileName(fileName), size, JsonSerializer.Serialize(probe), clock.GetUtcNow());
                await store.InsertAsync(upload, cancellationToken);
                return (upload, probe);
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }

        throw new ServiceException(Errors.Validation($"The multipart field '{fieldName}' is missing."));
    }

    internal static Task<long> CopyCappedAsync(Stream source, string path, long limit, CancellationToken cancellationToken)
        => CopyCappedAsync(source, path, limit, _ => Errors.PayloadTooLarge(limit), cancellationToken);

    /// Copies at most `limit` bytes; past it, throws the error made from the bytes read so far.
    internal static async Task<long> CopyCappedAsync(Stream source, string path, long limit, Func<long, ServiceError> overLimit, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        await using var file = new FileStream(path, OwnerOnly.NewFile(FileAccess.Write, FileOptions.Asynchronous));
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw new ServiceException(overLimit(total));
            }

            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return total;
    }
}
