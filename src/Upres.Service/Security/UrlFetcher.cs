using System.Net;
using Microsoft.Extensions.Options;
using Upres.Service.Hosting;
using Upres.Service.Problems;
using Upres.Service.Uploads;

namespace Upres.Service.Security;

/// Downloads an input URL to a file (the worker's prepare stage): every hop checked, at most 3
/// redirects, a byte cap and an overall deadline.
public sealed class UrlFetcher(UrlGuard guard, IOptions<UpresOptions> options) : IDisposable
{
    public const int MaxRedirects = 3;

    private readonly HttpClient _client = SafeHttp.CreateClient(guard, Timeout.InfiniteTimeSpan);

    public async Task<long> DownloadAsync(string url, string path, CancellationToken cancellationToken, long? maxBytes = null, TimeSpan? deadline = null)
    {
        var limit = maxBytes ?? options.Value.FetchMaxMegabytes * 1024 * 1024;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline ?? TimeSpan.FromSeconds(options.Value.FetchTimeoutSeconds));
        try
        {
            using var response = await OpenAsync(url, limit, timeout.Token);
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            try
            {
                return await UploadReceiver.CopyCappedAsync(body, path, limit, timeout.Token);
            }
            catch (ServiceException e) when (e.Error.Code == "payload_too_large")
            {
                throw new ServiceException(Errors.FetchFailed($"The file is larger than {limit} bytes."));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            File.Delete(path);
            throw new ServiceException(Errors.FetchFailed("The download did not finish before its deadline."));
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// The one bounded look a create may take at a URL where a vendor documents a synchronous
    /// refusal: the answer's status, declared size and first bytes (at most HeadBytes) within
    /// `deadline`; the rest of the body is never read.
    public async Task<UrlGlance> GlanceAsync(string url, long? maxBytes, TimeSpan deadline, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        try
        {
            using var response = await OpenAsync(url, maxBytes ?? options.Value.FetchMaxMegabytes * 1024 * 1024, timeout.Token);
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var head = new byte[UrlGlance.HeadBytes];
            var read = 0;
            while (read < head.Length && await body.ReadAsync(head.AsMemory(read), timeout.Token) is > 0 and var n)
            {
                read += n;
            }

            return new UrlGlance(response.Content.Headers.ContentLength, head[..read]);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ServiceException(Errors.FetchFailed($"The server did not answer within {deadline.TotalSeconds:0.#} s."));
        }
    }

    /// GET with every hop checked and at most MaxRedirects redirects; the response of the final hop,
    /// refused unless it is 200 and declares no more than `limit` bytes.
    private async Task<HttpResponseMessage> OpenAsync(string url, long limit, CancellationToken cancellationToken)
    {
        var uri = UrlGuard.ParseAndCheckForm(url);
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.UserAgent.ParseAdd("Upres/1.0");
                var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    response.Dispose();
                    if (hop >= MaxRedirects)
                    {
                        throw new ServiceException(Errors.FetchFailed($"More than {MaxRedirects} redirects."));
                    }

                    uri = UrlGuard.ParseAndCheckForm(new Uri(uri, location).ToString());
                    continue;
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    response.Dispose();
                    throw new ServiceException(Errors.FetchFailed($"The server answered {(int)response.StatusCode}."));
                }

                if (response.Content.Headers.ContentLength > limit)
                {
                    response.Dispose();
                    throw new ServiceException(Errors.FetchFailed($"The file is larger than {limit} bytes."));
                }

                return response;
            }
        }
        catch (HttpRequestException e)
        {
            // The connect callback's refusal arrives wrapped; surface it as the refusal it is.
            for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            {
                if (inner is ServiceException se)
                {
                    throw new ServiceException(se.Error);
                }
            }

            throw new ServiceException(Errors.FetchFailed(e.Message));
        }
    }

    public void Dispose() => _client.Dispose();
}
