using System.Formats.Tar;
using System.Text;
using Distroless.Compression;

namespace Distroless.Debian;

/// <summary>The control metadata of a .deb: its control file and md5sums, as shipped.</summary>
public sealed record DebControl(byte[] Control, string? Md5Sums)
{
    public ControlParagraph Paragraph => ControlParagraph.Parse(Encoding.UTF8.GetString(Control));
}

/// <summary>
/// Reads a .deb without dpkg: the ar container, <c>control.tar.*</c> (control, md5sums) and the
/// entries of <c>data.tar.{xz,zst,gz}</c>, streamed in archive order.
/// </summary>
public static class DebPackageReader
{
    /// <summary>Reads the control member, then hands every data entry to <paramref name="onEntry"/>.</summary>
    public static DebControl Read(Stream deb, Action<TarEntry> onEntry, bool preferNativeXz = true)
    {
        var ar = new ArReader(deb);
        DebControl? control = null;
        var sawData = false;
        while (ar.Next() is { } member)
        {
            if (member.Name == "debian-binary")
            {
                using var reader = new StreamReader(ar.OpenMember(), Encoding.ASCII);
                var version = reader.ReadToEnd().Trim();
                if (!version.StartsWith("2.", StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"unsupported .deb format version \"{version}\"");
                }
            }
            else if (member.Name.StartsWith("control.tar", StringComparison.Ordinal))
            {
                control = ReadControl(ar.OpenMember(), Decompression.FormatOf(member.Name), preferNativeXz);
            }
            else if (member.Name.StartsWith("data.tar", StringComparison.Ordinal))
            {
                if (control is null)
                {
                    throw new InvalidDataException("data.tar comes before control.tar");
                }

                using var data = Decompression.Open(ar.OpenMember(), Decompression.FormatOf(member.Name), leaveOpen: true, preferNativeXz);
                using var tar = new TarReader(data, leaveOpen: true);
                while (tar.GetNextEntry(copyData: false) is { } entry)
                {
                    onEntry(entry);
                }

                sawData = true;
            }
        }

        if (control is null || !sawData)
        {
            throw new InvalidDataException("the .deb lacks its control or data member");
        }

        return control;
    }

    private static DebControl ReadControl(Stream member, CompressionFormat format, bool preferNativeXz)
    {
        byte[]? control = null;
        string? md5sums = null;
        using var data = Decompression.Open(member, format, leaveOpen: true, preferNativeXz);
        using var tar = new TarReader(data, leaveOpen: true);
        while (tar.GetNextEntry(copyData: false) is { } entry)
        {
            var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
            if (entry.DataStream is null)
            {
                continue;
            }

            if (name == "control")
            {
                var buffer = new MemoryStream();
                entry.DataStream.CopyTo(buffer);
                control = buffer.ToArray();
            }
            else if (name == "md5sums")
            {
                using var reader = new StreamReader(entry.DataStream, Encoding.UTF8, leaveOpen: true);
                md5sums = reader.ReadToEnd();
            }
        }

        return new DebControl(control ?? throw new InvalidDataException("control.tar has no control file"), md5sums);
    }
}
