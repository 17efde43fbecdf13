using System.Net;
using Microsoft.Extensions.Options;
using Upres.Service.Hosting;
using Upres.Service.Problems;
using Upres.Service.Uploads;

namespace Upres.Service.Security;

/// Downloads an input URL to a file: every hop checked, at most 3 redirects, a byte cap and an
/// overall deadline.
public sealed class UrlFetcher(UrlGuard guard, IOptions<UpresOptions> options) : IDisposable
{
    public const int MaxRedirects = 3;

    private readonly HttpClient _client = SafeHttp.CreateClient(guard, Timeout.InfiniteTimeSpan);

    public async Task<long> DownloadAsync(string url, string path, CancellationToken cancellationToken, long? maxBytes = null, TimeSpan? deadline = null)
    {
        var limit = maxBytes ?? options.Value.FetchMaxMegabytes * 1024 * 1024;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline ?? TimeSpan.FromSeconds(options.Value.FetchTimeoutSeconds));
        var uri = UrlGuard.ParseAndCheckForm(url);
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.UserAgent.ParseAdd("Upres/1.0");
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop >= MaxRedirects)
                    {
                        throw new ServiceException(Errors.FetchFailed($"More than {MaxRedirects} redirects."));
                    }

                    uri = UrlGuard.ParseAndCheckForm(new Uri(uri, location).ToString());
                    continue;
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new ServiceException(Errors.FetchFailed($"The server answered {(int)response.StatusCode}."));
                }

                if (response.Content.Headers.ContentLength > limit)
                {
                    throw new ServiceException(Errors.FetchFailed($"The file is larger than {limit} bytes."));
                }

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
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            File.Delete(path);
            throw new ServiceException(Errors.FetchFailed("The download did not finish before its deadline."));
        }
        catch (HttpRequestException e)
        {
            File.Delete(path);
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
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    public void Dispose() => _client.Dispose();
}
