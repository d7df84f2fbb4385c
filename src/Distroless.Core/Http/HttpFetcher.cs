using System.Net;
using Distroless.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Distroless.Http;

/// <summary>
/// GETs with bounded retries (connection failures, timeouts, 5xx, 429) and exponential backoff
/// with jitter. Each attempt hands a fresh response stream to the consumer, so a consumer that
/// writes into the cache starts over cleanly. Final failures become DSTL2001.
/// </summary>
public sealed class HttpFetcher
{
    private readonly HttpClient _http;
    private readonly ILogger _logger;

    public HttpFetcher(HttpClient http, ILogger logger, int maxAttempts = 4, TimeSpan? firstBackoff = null)
    {
        _http = http;
        _logger = logger;
        MaxAttempts = maxAttempts;
        FirstBackoff = firstBackoff ?? TimeSpan.FromMilliseconds(250);
    }

    public int MaxAttempts { get; }

    public TimeSpan FirstBackoff { get; }

    /// <summary>Total GET requests sent (for tests and diagnostics).</summary>
    public int RequestCount => _requests;

    private int _requests;

    /// <summary>Returns null on 404 when <paramref name="allowNotFound"/>; otherwise the consumer's result.</summary>
    public async Task<T?> GetAsync<T>(Uri uri, Func<Stream, long?, Task<T>> consume, bool allowNotFound = false,
        CancellationToken ct = default)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            string reason;
            Exception? error = null;
            try
            {
                Interlocked.Increment(ref _requests);
                using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                    return await consume(body, response.Content.Headers.ContentLength).ConfigureAwait(false);
                }

                reason = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
                if (response.StatusCode == HttpStatusCode.NotFound && allowNotFound)
                {
                    return null;
                }

                if (!IsTransient(response.StatusCode))
                {
                    throw Errors.ArchiveUnreachable(uri.ToString(), reason);
                }
            }
            catch (HttpRequestException e)
            {
                reason = e.Message;
                error = e;
            }
            catch (IOException e) when (!FileSystemErrors.IsFileSystemError(e))
            {
                // The network's; a full disk under the consumer (the cache) is no reason to download again.
                reason = e.Message;
                error = e;
            }
            catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
            {
                reason = "timed out";
                error = e;
            }

            if (attempt >= MaxAttempts)
            {
                throw Errors.ArchiveUnreachable(uri.ToString(), $"{reason} (after {attempt} attempts)", error);
            }

            var delay = FirstBackoff * Math.Pow(2, attempt - 1) * (0.75 + Random.Shared.NextDouble() / 2);
            _logger.LogDebug("GET {Uri} failed ({Reason}); retrying in {Delay:F1} s", uri, reason, delay.TotalSeconds);
            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a whole (small) response into memory.</summary>
    public async Task<byte[]> GetBytesAsync(Uri uri, CancellationToken ct = default)
        => (await GetAsync(uri, async (body, _) =>
        {
            var buffer = new MemoryStream();
            await body.CopyToAsync(buffer, ct).ConfigureAwait(false);
            return buffer.ToArray();
        }, ct: ct).ConfigureAwait(false))!;

    private static bool IsTransient(HttpStatusCode status)
        => (int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
}
