using System.Net;
using System.Net.Http.Headers;

namespace Distroless.Testing.Registry;

/// <summary>
/// Fault hooks: answer chosen requests with an error status (500, 503, 429 with Retry-After),
/// and break upload bodies part-way like a reset connection. Failed requests are still
/// received and logged, as a real server's load balancer would have seen them.
/// </summary>
public sealed partial class InMemoryRegistry
{
    private readonly List<FaultRule> _faults = [];
    private readonly List<BodyBreak> _breaks = [];
    private int _ordinal;

    /// <summary>Fails the next <paramref name="times"/> requests (of <paramref name="kind"/>, or of any kind but token requests).</summary>
    public void FailNext(int times, HttpStatusCode status, RegistryRequestKind? kind = null, TimeSpan? retryAfter = null, DateTimeOffset? retryAt = null)
        => AddFault(new FaultRule(status, retryAfter, retryAt) { Kind = kind, Remaining = times });

    /// <summary>Fails the <paramref name="n"/>th registry request from now on (1 = the next one; token requests not counted).</summary>
    public void FailNth(int n, HttpStatusCode status, TimeSpan? retryAfter = null)
    {
        lock (_lock)
        {
            _faults.Add(new FaultRule(status, retryAfter, null) { AtOrdinal = _ordinal + n, Remaining = 1 });
        }
    }

    /// <summary>Fails a share (0..1) of requests, chosen by a seeded random sequence, until <see cref="ClearFaults"/>.</summary>
    public void FailShare(double share, HttpStatusCode status, int seed = 1, RegistryRequestKind? kind = null, TimeSpan? retryAfter = null)
        => AddFault(new FaultRule(status, retryAfter, null) { Kind = kind, Share = share, Random = new Random(seed), Remaining = -1 });

    /// <summary>
    /// Makes the next <paramref name="times"/> PATCH or PUT bodies of at least
    /// <paramref name="afterBytes"/> bytes break once that many are read (shorter ones pass):
    /// the bytes read are kept in the upload session (as distribution does) unless
    /// <paramref name="keepPartial"/> is false, then the client sees an IOException as if the
    /// connection were reset.
    /// </summary>
    public void BreakUpload(RegistryRequestKind kind, long afterBytes, int times = 1, bool keepPartial = true)
    {
        if (kind is not (RegistryRequestKind.UploadPatch or RegistryRequestKind.UploadPut))
        {
            throw new ArgumentException("only PATCH and PUT bodies can be broken", nameof(kind));
        }

        lock (_lock)
        {
            _breaks.Add(new BodyBreak(kind, afterBytes, keepPartial) { Remaining = times });
        }
    }

    public void ClearFaults()
    {
        lock (_lock)
        {
            _faults.Clear();
            _breaks.Clear();
        }
    }

    private void AddFault(FaultRule rule)
    {
        lock (_lock)
        {
            _faults.Add(rule);
        }
    }

    private HttpResponseMessage? Fault(RegistryRequestKind kind)
    {
        FaultRule? hit = null;
        lock (_lock)
        {
            var ordinal = kind == RegistryRequestKind.Token ? 0 : ++_ordinal;
            foreach (var rule in _faults)
            {
                if (rule.Remaining == 0
                    || (rule.Kind is { } only ? only != kind : kind == RegistryRequestKind.Token)
                    || (rule.AtOrdinal is { } at && at != ordinal)
                    || (rule.Random is { } random && random.NextDouble() >= rule.Share))
                {
                    continue;
                }

                if (rule.Remaining > 0)
                {
                    rule.Remaining--;
                }

                hit = rule;
                break;
            }
        }

        if (hit is null)
        {
            return null;
        }

        var response = Error(hit.Status, hit.Status == HttpStatusCode.TooManyRequests ? "TOOMANYREQUESTS" : "UNAVAILABLE", "injected fault");
        if (hit.RetryAt is { } date)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(date);
        }
        else if (hit.RetryAfter is { } delta)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(delta);
        }

        return response;
    }

    /// <summary>An armed break for this kind of body; it is used up only when a body is long enough to break.</summary>
    private BodyBreak? PeekBreak(RegistryRequestKind kind)
    {
        lock (_lock)
        {
            return _breaks.FirstOrDefault(b => b.Kind == kind && b.Remaining > 0);
        }
    }

    private bool TryConsume(BodyBreak broken)
    {
        lock (_lock)
        {
            if (broken.Remaining <= 0)
            {
                return false;
            }

            broken.Remaining--;
            return true;
        }
    }

    private sealed record FaultRule(HttpStatusCode Status, TimeSpan? RetryAfter, DateTimeOffset? RetryAt)
    {
        public RegistryRequestKind? Kind { get; init; }

        public int? AtOrdinal { get; init; }

        public double Share { get; init; }

        public Random? Random { get; init; }

        /// <summary>How many more requests to fail; -1 for no limit.</summary>
        public int Remaining { get; set; }
    }

    private sealed record BodyBreak(RegistryRequestKind Kind, long AfterBytes, bool KeepPartial)
    {
        public int Remaining { get; set; }
    }
}
