using System.Collections.Immutable;
using System.Globalization;
using Distroless.Oci;

namespace Distroless.Debian;

/// <summary>One binary package as a signed Packages index describes it, and where it came from.</summary>
public sealed record PackageRecord
{
    public required string Name { get; init; }
    public required DebVersion Version { get; init; }
    public required string Architecture { get; init; }
    public required string Filename { get; init; }
    public required long Size { get; init; }
    public required Digest Sha256 { get; init; }
    public string? Source { get; init; }
    public ImmutableArray<PackageRelation> Depends { get; init; } = [];
    public ImmutableArray<PackageRelation> PreDepends { get; init; } = [];
    public ImmutableArray<PackageConstraint> Provides { get; init; } = [];

    /// <summary>The archive root URI and suite whose signed index listed this package.</summary>
    public required ArchiveSuite Origin { get; init; }

    public Uri DownloadUri => new(Origin.ArchiveRoot, Filename);

    public override string ToString() => $"{Name} {Version} ({Architecture})";

    public static PackageRecord FromParagraph(ControlParagraph p, ArchiveSuite origin)
    {
        var name = p.Required("Package");
        try
        {
            return new PackageRecord
            {
                Name = name,
                Version = DebVersion.Parse(p.Required("Version")),
                Architecture = p.Required("Architecture"),
                Filename = p.Required("Filename"),
                Size = long.Parse(p.Required("Size"), NumberStyles.None, CultureInfo.InvariantCulture),
                Sha256 = Digest.FromHex(p.Required("SHA256")),
                Source = p["Source"],
                Depends = PackageRelation.ParseList(p["Depends"]),
                PreDepends = PackageRelation.ParseList(p["Pre-Depends"]),
                Provides = PackageRelation.ParseList(p["Provides"]).Select(r => r.Alternatives[0]).ToImmutableArray(),
                Origin = origin,
            };
        }
        catch (FormatException e)
        {
            throw new FormatException($"package \"{name}\": {e.Message}", e);
        }
    }
}
