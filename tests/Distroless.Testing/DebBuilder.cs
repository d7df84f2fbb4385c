using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using Distroless.Compression;

namespace Distroless.Testing;

/// <summary>One entry of a test package's data.tar: path as in the tar ("./usr/lib/x", "./usr/").</summary>
public sealed record DebEntry(string Path, TarEntryType Type, int Mode, byte[] Content, string? LinkTarget, int Uid = 0, int Gid = 0);

/// <summary>
/// Builds real .deb bytes in memory, as dpkg-deb lays them out: an ar archive with
/// <c>debian-binary</c> ("2.0\n"), <c>control.tar.{gz,xz,zst}</c> (./control, ./md5sums) and
/// <c>data.tar.{gz,xz,zst}</c> (GNU tar, names "./", "./usr/", "./usr/lib/x"). Missing parent
/// directories are added (0755 root) before an entry that needs them. Independent of the
/// product's tar writer, which is what the tests check.
/// </summary>
public sealed class DebBuilder
{
    private readonly List<DebEntry> _entries = [];
    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, string>> _fields = [];

    public DebBuilder(string package, string version = "1.0-1", string architecture = "amd64")
    {
        Package = package;
        Version = version;
        Architecture = architecture;
    }

    public string Package { get; }

    public string Version { get; }

    public string Architecture { get; }

    /// <summary>The mtime of every tar entry and ar member (dpkg uses SOURCE_DATE_EPOCH).</summary>
    public long ModificationTime { get; set; } = 1_700_000_000;

    public CompressionFormat ControlCompression { get; set; } = CompressionFormat.Xz;

    public CompressionFormat DataCompression { get; set; } = CompressionFormat.Xz;

    public IReadOnlyList<DebEntry> Entries => _entries;

    /// <summary>Adds a control field after Package, Version, Architecture and Maintainer (e.g. Depends).</summary>
    public DebBuilder Field(string name, string value)
    {
        _fields.Add(new(name, value));
        return this;
    }

    public DebBuilder Dir(string path, int mode = 0x1ed, int uid = 0, int gid = 0)
        => Add(new DebEntry(DirectoryName(path), TarEntryType.Directory, mode, [], null, uid, gid));

    public DebBuilder File(string path, string content, int mode = 0x1a4)
        => File(path, Encoding.UTF8.GetBytes(content), mode);

    public DebBuilder File(string path, byte[] content, int mode = 0x1a4, int uid = 0, int gid = 0)
        => Add(new DebEntry(FileName(path), TarEntryType.RegularFile, mode, content, null, uid, gid));

    public DebBuilder Symlink(string path, string target)
        => Add(new DebEntry(FileName(path), TarEntryType.SymbolicLink, 0x1ff, [], target));

    /// <summary>A hard link to an earlier entry (path as given to <see cref="File(string, byte[], int, int, int)"/>).</summary>
    public DebBuilder HardLink(string path, string target)
        => Add(new DebEntry(FileName(path), TarEntryType.HardLink, 0x1a4, [], FileName(target)));

    /// <summary>The control file: Package, Version, Architecture, Maintainer, extra fields, Description.</summary>
    public string ControlText
    {
        get
        {
            var text = new StringBuilder();
            text.Append("Package: ").Append(Package).Append('\n');
            text.Append("Version: ").Append(Version).Append('\n');
            text.Append("Architecture: ").Append(Architecture).Append('\n');
            text.Append("Maintainer: Test Maintainer <test@example.invalid>\n");
            var installedKiB = (_entries.Sum(e => (long)e.Content.Length) + 1023) / 1024;
            text.Append("Installed-Size: ").Append(installedKiB).Append('\n');
            foreach (var (name, value) in _fields)
            {
                text.Append(name).Append(": ").Append(value).Append('\n');
            }

            text.Append("Description: test package ").Append(Package).Append("\n built by DebBuilder.\n");
            return text.ToString();
        }
    }

    /// <summary>md5sums as dpkg writes it: "&lt;md5&gt;  usr/lib/x" for every regular file.</summary>
    public string Md5Sums
    {
        get
        {
            var text = new StringBuilder();
            foreach (var entry in _entries.Where(e => e.Type == TarEntryType.RegularFile))
            {
                text.Append(Convert.ToHexStringLower(MD5.HashData(entry.Content))).Append("  ").Append(entry.Path[2..]).Append('\n');
            }

            return text.ToString();
        }
    }

    /// <summary>The uncompressed data.tar.</summary>
    public byte[] BuildDataTar() => WriteTar(_entries);

    public byte[] BuildControlTar() => WriteTar(
    [
        new DebEntry("./", TarEntryType.Directory, 0x1ed, [], null),
        new DebEntry("./control", TarEntryType.RegularFile, 0x1a4, Encoding.UTF8.GetBytes(ControlText), null),
        new DebEntry("./md5sums", TarEntryType.RegularFile, 0x1a4, Encoding.UTF8.GetBytes(Md5Sums), null),
    ]);

    /// <summary>The .deb file.</summary>
    public byte[] Build() => ArWriter.Write(
    [
        ("debian-binary", "2.0\n"u8.ToArray()),
        ("control.tar" + TestCompression.Extension(ControlCompression), TestCompression.Compress(BuildControlTar(), ControlCompression)),
        ("data.tar" + TestCompression.Extension(DataCompression), TestCompression.Compress(BuildDataTar(), DataCompression)),
    ], ModificationTime);

    private DebBuilder Add(DebEntry entry)
    {
        AddParents(entry.Path);
        if (!_paths.Add(entry.Path))
        {
            throw new InvalidOperationException($"the package already has \"{entry.Path}\"");
        }

        _entries.Add(entry);
        return this;
    }

    private void AddParents(string path)
    {
        if (path == "./")
        {
            return;
        }

        var trimmed = path.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        var parent = trimmed[..(slash + 1)];
        if (!_paths.Contains(parent))
        {
            AddParents(parent);
            _paths.Add(parent);
            _entries.Add(new DebEntry(parent, TarEntryType.Directory, 0x1ed, [], null));
        }
    }

    private byte[] WriteTar(IEnumerable<DebEntry> entries)
    {
        var output = new MemoryStream();
        using (var tar = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (var e in entries)
            {
                var entry = new GnuTarEntry(e.Type, e.Path)
                {
                    Mode = (UnixFileMode)e.Mode,
                    Uid = e.Uid,
                    Gid = e.Gid,
                    UserName = "root",
                    GroupName = "root",
                    ModificationTime = DateTimeOffset.FromUnixTimeSeconds(ModificationTime),
                };
                if (e.LinkTarget is not null)
                {
                    entry.LinkName = e.LinkTarget;
                }

                if (e.Type == TarEntryType.RegularFile)
                {
                    entry.DataStream = new MemoryStream(e.Content, writable: false);
                }

                tar.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    private static string FileName(string path)
    {
        var p = path is "." ? "" : path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path;
        return "./" + p.TrimStart('/').TrimEnd('/');
    }

    private static string DirectoryName(string path)
    {
        var name = FileName(path);
        return name == "./" ? name : name + "/";
    }
}
