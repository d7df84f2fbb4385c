using System.Security.Cryptography;
using System.Text;

namespace Distroless.Testing;

/// <summary>
/// A binary package of a <see cref="FakeSuite"/>: its index fields and its .deb bytes.
/// The Packages stanza is derived from these (Filename, Size and SHA256 from <see cref="Deb"/>).
/// </summary>
public sealed record FakePackage(string Name, string Version, string Architecture, byte[] Deb)
{
    public string? Source { get; init; }
    public string? Depends { get; init; }
    public string? PreDepends { get; init; }
    public string? Provides { get; init; }
    public string? MultiArch { get; init; }

    /// <summary>The pool directory the file lives under ("pool/main", "pool/updates/main").</summary>
    public string PoolDirectory { get; init; } = "pool/main";

    /// <summary>Fields written after the standard ones, e.g. ("Essential", "yes").</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExtraFields { get; init; } = [];

    /// <summary>A package from a <see cref="DebBuilder"/>; its control fields Depends/Pre-Depends/Provides are not copied.</summary>
    public static FakePackage From(DebBuilder builder) => new(builder.Package, builder.Version, builder.Architecture, builder.Build());

    /// <summary>A minimal package with one file, /usr/share/doc/&lt;name&gt;/copyright.</summary>
    public static FakePackage Simple(string name, string version = "1.0-1", string architecture = "amd64")
        => From(new DebBuilder(name, version, architecture).File($"./usr/share/doc/{name}/copyright", $"{name} {version}\n"));

    /// <summary>pool/main/&lt;prefix&gt;/&lt;source&gt;/&lt;name&gt;_&lt;version without epoch&gt;_&lt;arch&gt;.deb, as dak names files.</summary>
    public string Filename
    {
        get
        {
            var source = Source?.Split(' ')[0] ?? Name;
            var prefix = source.StartsWith("lib", StringComparison.Ordinal) && source.Length > 3 ? source[..4] : source[..1];
            var colon = Version.IndexOf(':');
            var fileVersion = colon >= 0 ? Version[(colon + 1)..] : Version;
            return $"{PoolDirectory}/{prefix}/{source}/{Name}_{fileVersion}_{Architecture}.deb";
        }
    }

    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Deb));

    /// <summary>The stanza as it appears in a Packages index (ends with a newline, no blank line).</summary>
    public string Stanza
    {
        get
        {
            var text = new StringBuilder();
            void Field(string name, string? value)
            {
                if (value is not null)
                {
                    text.Append(name).Append(": ").Append(value).Append('\n');
                }
            }

            Field("Package", Name);
            Field("Source", Source);
            Field("Version", Version);
            Field("Installed-Size", "12");
            Field("Maintainer", "Test Maintainer <test@example.invalid>");
            Field("Architecture", Architecture);
            Field("Multi-Arch", MultiArch);
            Field("Provides", Provides);
            Field("Pre-Depends", PreDepends);
            Field("Depends", Depends);
            foreach (var (name, value) in ExtraFields)
            {
                Field(name, value);
            }

            Field("Description", $"test package {Name}");
            Field("Description-md5", Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"test package {Name}\n"))));
            Field("Section", "libs");
            Field("Priority", "optional");
            Field("Filename", Filename);
            Field("Size", Deb.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Field("SHA256", Sha256);
            return text.ToString();
        }
    }
}
