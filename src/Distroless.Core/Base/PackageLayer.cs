using System.Formats.Tar;
using System.Text;
using Distroless.Caching;
using Distroless.Debian;
using Distroless.Diagnostics;
using Distroless.Layers;
using Distroless.Oci;

namespace Distroless.Base;

/// <summary>
/// Turns one verified .deb into one layer, the way dpkg would unpack it minus the scripts:
/// the data entries that <see cref="PackageContentFilter"/> keeps, in the package's own order,
/// with its own modes, owners and mtimes; plus <c>/var/lib/dpkg/status.d/&lt;name&gt;</c> (the
/// control file with dpkg's Status line, <see cref="DpkgStatusStanza"/>) and <c>&lt;name&gt;.md5sums</c> filtered to the kept files, in the
/// same layer so scanners that read one layer at a time still see the package.
/// The result is cached by the .deb's SHA-256 and <see cref="Recipe"/>.
/// </summary>
public static class PackageLayer
{
    /// <summary>Bump when the layer a .deb becomes changes, so cached layers are rebuilt.</summary>
    public const string Recipe = "deb-layer-v3";

    public const string StatusDirectory = "var/lib/dpkg/status.d";

    private static string Key(PackageRecord package, PackageLayerOptions options)
        => $"{package.Sha256.Hex}-{Recipe}-gzip{Compression.ParallelGzipStream.DefaultLevel}{(options.MergedUsr ? "-mergedusr" : "")}{(options.Slim ? "-slim" : "")}";

    /// <summary>The layer this .deb became before, without reading the .deb (or needing it at all).</summary>
    public static LayerBlob? TryGetCached(BlobCache cache, PackageRecord package, PackageLayerOptions options)
        => cache.TryReadRecord<CachedLayer>("deb-layers", Key(package, options), out var cached) && cache.Contains(Digest.Parse(cached.Digest))
            ? cached.ToLayer()
            : null;

    public static LayerBlob GetOrBuild(BlobCache cache, string debPath, PackageRecord package, PackageLayerOptions options)
    {
        if (TryGetCached(cache, package, options) is { } cached)
        {
            return cached;
        }

        var layer = Build(cache, debPath, package, options);
        cache.WriteRecord("deb-layers", Key(package, options), CachedLayer.From(layer));
        return layer;
    }

    /// <summary>
    /// The SPDX licence expression read from the package's machine-readable copyright file when
    /// its layer was built; null when the file is prose (or the package has none).
    /// </summary>
    public static string? License(BlobCache cache, PackageRecord package)
        => cache.TryReadRecord<PackageLicense>("deb-licenses", package.Sha256.Hex, out var record) ? record.Expression : null;

    private sealed record PackageLicense(string? Expression);

    public static LayerBlob Build(BlobCache cache, string debPath, PackageRecord package, PackageLayerOptions options)
    {
        var mergedUsr = options.MergedUsr;
        var createdBy = $"distroless: debian package {package.Name} {package.Version} ({package.Architecture})";
        try
        {
            string? copyright = null;
            var layer = LayerBuilder.Build(cache, createdBy, layer => copyright = Write(layer, debPath, package.Name, mergedUsr, options.Slim));
            cache.WriteRecord("deb-licenses", package.Sha256.Hex, new PackageLicense(copyright is null ? null : Sbom.DebianCopyright.SpdxLicenseOf(copyright)));
            return layer;
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw Errors.MalformedPackage(package.DownloadUri.ToString(), e.Message, e);
        }
    }

    /// <summary>Writes the package's entries; returns the text of its own copyright file, if any.</summary>
    private static string? Write(LayerWriter layer, string debPath, string packageName, bool mergedUsr, bool slim)
    {
        string? copyright = null;
        var copyrightPath = $"usr/share/doc/{packageName}/copyright";
        var keptFiles = new HashSet<string>(StringComparer.Ordinal);
        var caBundle = packageName == CaCertificates.PackageName ? new CaCertificates() : null;
        var busybox = packageName == BusyboxShell.PackageName;
        using var deb = File.OpenRead(debPath);
        var control = DebPackageReader.Read(deb, entry =>
        {
            var path = mergedUsr ? MergedUsrPath(EntryPath(entry.Name), entry.EntryType) : EntryPath(entry.Name);
            if (busybox)
            {
                // The debug shell lives apart at /busybox (as in distroless's :debug images);
                // of the package only the binary and its licence are kept.
                if (BusyboxShell.IsBinary(path))
                {
                    BusyboxShell.Write(layer, entry);
                }

                if (!PackageContentFilter.IsCopyright(path))
                {
                    return;
                }
            }

            if (path.Length == 0 || !PackageContentFilter.Keep(path, slim) || caBundle?.Consume(path, entry) == true)
            {
                return;
            }

            var mode = (int)entry.Mode;
            var mtime = entry.ModificationTime.ToUnixTimeSeconds();
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    layer.AddDirectory(path, mode, mtime, entry.Uid, entry.Gid);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile when path == copyrightPath:
                    var text = new MemoryStream();
                    entry.DataStream?.CopyTo(text);
                    copyright = System.Text.Encoding.UTF8.GetString(text.ToArray());
                    layer.AddFile(path, mode, mtime, text.ToArray(), entry.Uid, entry.Gid);
                    keptFiles.Add(path);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    layer.AddFile(path, mode, mtime, entry.DataStream ?? Stream.Null, entry.Length, entry.Uid, entry.Gid);
                    keptFiles.Add(path);
                    break;
                case TarEntryType.SymbolicLink:
                    layer.AddSymlink(path, entry.LinkName, mtime);
                    break;
                case TarEntryType.HardLink:
                    layer.AddHardlink(path, EntryPath(entry.LinkName), mode, mtime, entry.Uid, entry.Gid);
                    keptFiles.Add(path);
                    break;
                default:
                    throw new InvalidDataException($"{path}: {entry.EntryType} entries are not supported in a base");
            }
        });

        caBundle?.WriteBundle(layer);
        if (busybox)
        {
            BusyboxShell.WriteApplets(layer);
        }

        layer.AddFile($"{StatusDirectory}/{packageName}", 0x1a4, 0, DpkgStatusStanza.FromControl(control.Control));
        if (control.Md5Sums is { } md5sums)
        {
            // "<md5>  <path>", the path as the layer has it (moved under /usr on merged /usr).
            var kept = md5sums
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(line => line.Length > 34)
                .Select(line => (Sum: line[..32], Path: mergedUsr
                    ? MergedUsrPath(line[34..].TrimStart('.', '/'), TarEntryType.RegularFile)
                    : line[34..].TrimStart('.', '/')))
                .Where(entry => keptFiles.Contains(entry.Path))
                .Select(entry => $"{entry.Sum}  {entry.Path}\n");
            layer.AddFile($"{StatusDirectory}/{packageName}.md5sums", 0x1a4, 0, Encoding.UTF8.GetBytes(string.Concat(kept)));
        }

        return copyright;
    }

    private static readonly string[] MergedDirectories = ["bin", "sbin", "lib", "lib64"];

    /// <summary>
    /// On merged /usr, an entry under /bin, /sbin, /lib or /lib64 moves under /usr (where the
    /// symlink would have taken it), and a directory entry with one of those names is dropped,
    /// so no layer replaces base-files' symlink with a directory (rules_distroless#53, jib#1576).
    /// The symlinks themselves stay.
    /// </summary>
    internal static string MergedUsrPath(string path, TarEntryType type)
    {
        foreach (var directory in MergedDirectories)
        {
            if (path == directory)
            {
                return type == TarEntryType.Directory ? "" : path;
            }

            if (path.StartsWith(directory + "/", StringComparison.Ordinal))
            {
                return "usr/" + path;
            }
        }

        return path;
    }

    /// <summary>Package tar names start with "./"; an unsafe rest is rejected by <see cref="LayerWriter"/>.</summary>
    private static string EntryPath(string name)
        => (name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name).TrimEnd('/');
}

/// <summary>How a .deb becomes a layer: merged /usr rewriting, and slimming.</summary>
public sealed record PackageLayerOptions(bool MergedUsr = false, bool Slim = true);
