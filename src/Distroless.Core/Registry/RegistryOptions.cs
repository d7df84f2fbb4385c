using Distroless.IO;

namespace Distroless.Registry;

/// <summary>How registries are reached and pushed to. Defaults suit public registries.</summary>
public sealed record RegistryOptions
{
    /// <summary>Hosts (host[:port]) that may be reached over plain HTTP or unverified TLS, besides loopback.</summary>
    public IReadOnlyCollection<string> InsecureRegistries { get; init; } = [];

    /// <summary>Blob uploads at once.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>Blobs at least this large are uploaded in chunks that resume after a broken connection.</summary>
    public long ChunkedUploadThreshold { get; init; } = 16L * 1024 * 1024;

    /// <summary>Chunk size (ECR requires at least 5 MiB for every chunk but the last).</summary>
    public int ChunkSize { get; init; } = 8 * 1024 * 1024;

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>For token expiry, Retry-After dates and spacing out <see cref="Progress"/> reports.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Told how blob uploads and downloads get on (a few times a second per blob, and at the
    /// end); null for no reports. Called from several uploads at once, so it must be thread-safe and quick.
    /// </summary>
    public IProgress<TransferProgress>? Progress { get; init; }

    /// <summary>Per-request timeout (an upload of one chunk, a manifest, a HEAD).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Replaces the HTTP handler (tests use an in-process registry); null for a real socket handler.</summary>
    public Func<HttpMessageHandler>? HandlerFactory { get; init; }

    public bool IsInsecure(string registry)
        => InsecureRegistries.Any(r => string.Equals(r.Trim(), registry, StringComparison.OrdinalIgnoreCase));

    public static bool IsLoopback(string registry)
    {
        var host = registry.StartsWith('[') ? registry[1..registry.IndexOf(']')] : registry.Split(':')[0];
        return host is "localhost" or "127.0.0.1" or "::1" || host.StartsWith("127.", StringComparison.Ordinal);
    }
}
