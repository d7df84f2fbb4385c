using Distroless.Compression;

namespace Distroless.Testing;

/// <summary>One suite of a <see cref="FakeDebianArchive"/>: its Release fields and its packages.</summary>
public sealed class FakeSuite
{
    private readonly List<FakePackage> _packages = [];

    internal FakeSuite(FakeDebianArchive archive, string name, string codename)
    {
        Archive = archive;
        Name = name;
        Codename = codename;
    }

    public FakeDebianArchive Archive { get; }

    /// <summary>The directory under dists/ and the Suite field.</summary>
    public string Name { get; }

    public string Codename { get; }

    public string Origin { get; set; } = "Debian";

    public string Component { get; set; } = "main";

    public DateTimeOffset Date { get; set; } = new(2026, 7, 11, 10, 16, 37, TimeSpan.Zero);

    /// <summary>Set for security-style suites (Date + 7 days in Debian's).</summary>
    public DateTimeOffset? ValidUntil { get; set; }

    public bool AcquireByHash { get; set; } = true;

    /// <summary>Serve and list &lt;component&gt;/Contents-&lt;arch&gt;.gz (which package ships which file), as Debian's main suites do.</summary>
    public bool Contents { get; set; } = true;

    public string ContentsPath(string architecture) => $"dists/{Name}/{Component}/Contents-{architecture}.gz";

    /// <summary>
    /// The Contents text for <paramref name="architecture"/>: every file and symlink of its
    /// packages and the "all" ones, "path&lt;spaces&gt;section/package[,…]", sorted by path, as dak writes it.
    /// </summary>
    public string ContentsText(string architecture)
    {
        var owners = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var package in _packages.Where(p => p.Architecture == architecture || p.Architecture == "all"))
        {
            Distroless.Debian.DebPackageReader.Read(new MemoryStream(package.Deb), entry =>
            {
                if (entry.EntryType is System.Formats.Tar.TarEntryType.Directory)
                {
                    return;
                }

                var path = entry.Name.TrimStart('.', '/');
                if (!owners.TryGetValue(path, out var set))
                {
                    owners[path] = set = new SortedSet<string>(StringComparer.Ordinal);
                }

                set.Add("libs/" + package.Name);
            });
        }

        return string.Concat(owners.Select(o => $"{o.Key,-60} {string.Join(',', o.Value)}\n"));
    }

    /// <summary>Which Packages files are served and listed; security suites have only .xz.</summary>
    public IReadOnlyList<CompressionFormat> IndexFormats { get; set; } = [CompressionFormat.Gzip, CompressionFormat.Xz];

    /// <summary>Architectures with a binary-&lt;arch&gt;/Packages (those of the packages are added).</summary>
    public IReadOnlyList<string> Architectures { get; set; } = ["amd64"];

    public IReadOnlyList<FakePackage> Packages => _packages;

    public FakeSuite Add(params FakePackage[] packages)
    {
        Archive.ThrowIfPublished();
        _packages.AddRange(packages);
        return this;
    }

    /// <summary>Every architecture the suite carries, sorted; "all" is not one (its packages repeat in each).</summary>
    public IReadOnlyList<string> EffectiveArchitectures => Architectures
        .Concat(_packages.Select(p => p.Architecture))
        .Where(a => a != "all")
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>The Packages text for <paramref name="architecture"/>: its packages and the "all" ones.</summary>
    public string PackagesText(string architecture) => string.Join("\n", _packages
        .Where(p => p.Architecture == architecture || p.Architecture == "all")
        .Select(p => p.Stanza));

    public string IndexPath(string architecture, CompressionFormat format = CompressionFormat.None)
        => $"dists/{Name}/{Component}/binary-{architecture}/Packages{TestCompression.Extension(format)}";
}
