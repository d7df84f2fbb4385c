using System.Collections.Immutable;
using System.Formats.Tar;
using System.Text;
using Distroless.Caching;
using Distroless.Compression;
using Distroless.Debian;
using Distroless.Layers;

namespace Distroless.Cli.Inspection;

/// <summary>
/// The Debian packages an image contains, as scanners see them: one control file per package in
/// /var/lib/dpkg/status.d/ (distroless images), or the installed entries of /var/lib/dpkg/status
/// (ordinary Debian images). Layers are read in order, so a later layer's copy (or whiteout) wins.
/// </summary>
internal static class DpkgDatabase
{
    private const string StatusDirectory = "var/lib/dpkg/status.d/";
    private const string StatusFile = "var/lib/dpkg/status";
    private const string Whiteout = ".wh.";

    public static ImmutableArray<PackageReport> Read(IEnumerable<LayerBlob> layers, BlobCache cache)
    {
        // status.d file name → package; the status file's packages kept apart (a later status replaces them all).
        var fromDirectory = new Dictionary<string, PackageReport>(StringComparer.Ordinal);
        var fromStatus = new List<PackageReport>();
        foreach (var layer in layers)
        {
            using var file = File.OpenRead(cache.BlobPath(layer.Digest));
            using var tar = Decompression.Open(file, Decompression.FormatOfMediaType(layer.Descriptor.MediaType));
            using var reader = new TarReader(tar);
            while (reader.GetNextEntry() is { } entry)
            {
                var name = entry.Name.TrimStart('.').TrimStart('/');
                var fileName = name[(name.LastIndexOf('/') + 1)..];
                if (name.StartsWith(StatusDirectory, StringComparison.Ordinal) && fileName.StartsWith(Whiteout, StringComparison.Ordinal))
                {
                    fromDirectory.Remove(fileName[Whiteout.Length..]);
                }
                else if (entry.DataStream is { } data && entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                {
                    if (name.StartsWith(StatusDirectory, StringComparison.Ordinal) && name.IndexOf('/', StatusDirectory.Length) < 0
                        && !fileName.EndsWith(".md5sums", StringComparison.Ordinal) && !fileName.EndsWith(".list", StringComparison.Ordinal)
                        && Parse(Text(data)).FirstOrDefault() is { } package)
                    {
                        fromDirectory[fileName] = package;
                    }
                    else if (name == StatusFile)
                    {
                        fromStatus = Parse(Text(data)).ToList();
                    }
                }
            }
        }

        return fromDirectory.Values.Concat(fromStatus)
            .DistinctBy(p => (p.Name, p.Architecture))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Architecture, StringComparer.Ordinal)
            .ToImmutableArray();
    }

    /// <summary>The packages of a control file: every paragraph with a name and version that is not marked as removed.</summary>
    private static IEnumerable<PackageReport> Parse(string text)
    {
        List<ControlParagraph> paragraphs;
        try
        {
            paragraphs = ControlParagraph.ParseAll(text).ToList();
        }
        catch (FormatException)
        {
            // Not a control file (a stray file in the directory): it names no package.
            yield break;
        }

        foreach (var paragraph in paragraphs)
        {
            if (paragraph["Package"] is { Length: > 0 } name && paragraph["Version"] is { Length: > 0 } version
                && (paragraph["Status"] is not { } status || status.EndsWith(" installed", StringComparison.Ordinal)))
            {
                yield return new PackageReport(name, version, paragraph["Architecture"] ?? "", paragraph["Source"]);
            }
        }
    }

    private static string Text(Stream data)
    {
        using var reader = new StreamReader(data, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        return reader.ReadToEnd();
    }
}
