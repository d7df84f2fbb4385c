namespace Distroless.RegistryTests.Infrastructure;

/// <summary>One fault the <see cref="RegistryProxy"/> injects instead of forwarding a request normally.</summary>
public sealed record ProxyFault
{
    private ProxyFault()
    {
    }

    /// <summary>The status answered without forwarding (the request body is read and dropped first); null for a dropped upload.</summary>
    public int? StatusCode { get; private init; }

    /// <summary>Sent as Retry-After (whole seconds) with <see cref="StatusCode"/>.</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>
    /// For a dropped upload: the share of a Content-Length body forwarded to the registry before
    /// both connections are closed (a chunked body is cut after 16 KiB, or at its end if shorter).
    /// </summary>
    public double? DropAfterFraction { get; private init; }

    /// <summary>Answers <paramref name="statusCode"/> with a registry-style JSON error instead of forwarding.</summary>
    public static ProxyFault Status(int statusCode, TimeSpan? retryAfter = null)
        => new() { StatusCode = statusCode, RetryAfter = retryAfter };

    /// <summary>429 Too Many Requests with Retry-After.</summary>
    public static ProxyFault TooManyRequests(int retryAfterSeconds = 1)
        => Status(429, TimeSpan.FromSeconds(retryAfterSeconds));

    /// <summary>
    /// Forwards part of the request body to the registry, then closes the registry connection and
    /// the client's, without a response. On a request without a body, closes the client's
    /// connection without forwarding.
    /// </summary>
    public static ProxyFault DropUpload(double fraction = 0.5)
        => new() { DropAfterFraction = Math.Clamp(fraction, 0, 1) };

    public override string ToString() => StatusCode is { } status
        ? RetryAfter is { } after ? $"{status} (Retry-After: {after.TotalSeconds:0})" : $"{status}"
        : $"drop after {DropAfterFraction:P0}";
}

/// <summary>
/// Random faults of a <see cref="RegistryProxy"/>, drawn from a seeded generator: the same seed
/// gives the same faults for the same sequence of eligible requests (parallel clients may still
/// send them in another order).
/// </summary>
public sealed record FaultPolicy
{
    /// <summary>No faults (the default).</summary>
    public static FaultPolicy None { get; } = new();

    /// <summary>Every request kind except the version check and the token server's.</summary>
    public static IReadOnlySet<RequestKind> DefaultKinds { get; } =
        Enum.GetValues<RequestKind>().Where(k => k is not (RequestKind.Ping or RequestKind.Token)).ToHashSet();

    /// <summary>Share (0–1) of eligible requests answered with one of <see cref="ErrorStatuses"/>.</summary>
    public double ErrorRate { get; init; }

    /// <summary>The statuses an error is drawn from; 429 comes with Retry-After: <see cref="RetryAfterSeconds"/>.</summary>
    public IReadOnlyList<int> ErrorStatuses { get; init; } = [500, 503, 429];

    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>Share (0–1) of blob uploads with a body (POST, PATCH or PUT) dropped mid-body.</summary>
    public double DropUploadRate { get; init; }

    /// <summary>How much of a dropped upload's body reaches the registry.</summary>
    public double DropAfterFraction { get; init; } = 0.5;

    public int Seed { get; init; } = 1;

    /// <summary>The request kinds that random errors apply to (drops apply to uploads with a body only).</summary>
    public IReadOnlySet<RequestKind> Kinds { get; init; } = DefaultKinds;

    /// <summary>Added before every request is handled: makes parallelism observable.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Draws the fault for one eligible request, or null.</summary>
    internal ProxyFault? Draw(Random random, RequestKind kind, bool hasBody)
    {
        if (ErrorRate > 0 && Kinds.Contains(kind))
        {
            var draw = random.NextDouble();
            var which = random.Next(ErrorStatuses.Count);
            if (draw < ErrorRate)
            {
                var status = ErrorStatuses[which];
                return status == 429 ? ProxyFault.TooManyRequests(RetryAfterSeconds) : ProxyFault.Status(status);
            }
        }

        if (DropUploadRate > 0 && hasBody && RequestKinds.Uploads.Contains(kind) && random.NextDouble() < DropUploadRate)
        {
            return ProxyFault.DropUpload(DropAfterFraction);
        }

        return null;
    }
}
