using System.Globalization;
using System.Text;

namespace Distroless.Testing;

/// <summary>
/// Writes a Unix ar archive as dpkg-deb does: <c>!&lt;arch&gt;\n</c>, then per member a
/// 60-byte header (name[16], mtime[12], uid[6], gid[6], octal mode[8], decimal size[10],
/// <c>`\n</c>) and the data, padded with '\n' to an even length.
/// </summary>
public static class ArWriter
{
    public static byte[] Write(IEnumerable<(string Name, byte[] Data)> members, long mtime = 0)
    {
        var output = new MemoryStream();
        output.Write("!<arch>\n"u8);
        foreach (var (name, data) in members)
        {
            if (name.Length > 16)
            {
                throw new ArgumentException($"ar member name \"{name}\" is longer than 16 bytes");
            }

            var header = string.Create(CultureInfo.InvariantCulture,
                $"{name,-16}{mtime,-12}{0,-6}{0,-6}{"100644",-8}{data.Length,-10}`\n");
            output.Write(Encoding.ASCII.GetBytes(header));
            output.Write(data);
            if (data.Length % 2 == 1)
            {
                output.WriteByte((byte)'\n');
            }
        }

        return output.ToArray();
    }
}
