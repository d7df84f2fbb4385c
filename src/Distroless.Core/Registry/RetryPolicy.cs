namespace Distroless.Registry;

/// <summary>
/// How hard to try: bounded attempts and total time, exponential backoff with jitter, and a
/// registry's Retry-After honoured (up to <see cref="MaxDelay"/>).
/// </summary>
public sealed record RetryPolicy
{
    public int MaxAttempts { get; init; } = 6;

    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan TotalTime { get; init; } = TimeSpan.FromMinutes(3);

    public static RetryPolicy Default { get; } = new();

    public TimeSpan Delay(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } requested)
        {
            // A Retry-After date already past (the clocks differ) means now: Task.Delay rejects
            // a negative delay (and waits forever at exactly -1 ms).
            return requested <= TimeSpan.Zero ? TimeSpan.Zero : requested < MaxDelay ? requested : MaxDelay;
        }

        var exponential = FirstDelay * Math.Pow(2, attempt - 1);
        var capped = exponential < MaxDelay ? exponential : MaxDelay;
        // Full jitter on half the delay: parallel uploads that failed together do not retry together.
        return capped * (0.5 + (Random.Shared.NextDouble() / 2));
    }

    public static bool IsTransient(System.Net.HttpStatusCode status)
        => (int)status >= 500 || status is System.Net.HttpStatusCode.TooManyRequests or System.Net.HttpStatusCode.RequestTimeout;
}
