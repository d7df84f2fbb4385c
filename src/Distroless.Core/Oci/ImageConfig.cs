using System.Collections.Immutable;

namespace Distroless.Oci;

/// <summary>
/// The OCI image configuration (the "config" blob). Collections are immutable and ordered, so
/// the same value always serializes to the same bytes.
/// </summary>
public sealed record ImageConfig
{
    public required Platform Platform { get; init; }

    /// <summary>Comes from the build's time input (SOURCE_DATE_EPOCH or the fixed epoch), never a clock.</summary>
    public required DateTimeOffset Created { get; init; }

    public string? User { get; init; }

    public ImmutableArray<string> Env { get; init; } = [];

    public ImmutableArray<string> Entrypoint { get; init; } = [];

    public ImmutableArray<string> Cmd { get; init; } = [];

    public string? WorkingDir { get; init; }

    public ImmutableSortedDictionary<string, string> Labels { get; init; } = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>"8080/tcp" style keys.</summary>
    public ImmutableSortedSet<string> ExposedPorts { get; init; } = ImmutableSortedSet<string>.Empty.WithComparer(StringComparer.Ordinal);

    public ImmutableArray<Digest> DiffIds { get; init; } = [];

    public ImmutableArray<HistoryEntry> History { get; init; } = [];

    /// <summary>Returns a copy with the layer <paramref name="diffId"/> appended to the rootfs and history.</summary>
    public ImageConfig WithLayer(Digest diffId, string createdBy) => this with
    {
        DiffIds = DiffIds.Add(diffId),
        History = History.Add(new HistoryEntry(Created, createdBy)),
    };

    /// <summary>Sets (or replaces) one environment variable, keeping the others' order.</summary>
    public ImageConfig WithEnvironment(string name, string value)
    {
        var prefix = name + "=";
        var index = Env.IndexOf(Env.FirstOrDefault(e => e.StartsWith(prefix, StringComparison.Ordinal)) ?? "\0");
        return this with { Env = index >= 0 ? Env.SetItem(index, prefix + value) : Env.Add(prefix + value) };
    }
}

public sealed record HistoryEntry(DateTimeOffset Created, string CreatedBy, bool EmptyLayer = false);
