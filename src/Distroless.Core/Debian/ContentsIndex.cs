using System.Collections.Immutable;
using System.Text;

namespace Distroless.Debian;

/// <summary>
/// Searches a Contents-&lt;arch&gt; index ("path&lt;whitespace&gt;section/package[,section/package…]",
/// one line per file, ~150 MB for bookworm) for files by name. The index is read as a stream
/// in large blocks that end on a line boundary; each name is found with a vectorized search
/// in the block, so nothing is split into lines or kept beyond the block.
/// </summary>
public static class ContentsIndex
{
    private const int BlockSize = 8 << 20;

    /// <summary>A file name to look for: exactly, or also with a version suffix ("libX11.so" finds "libX11.so.6").</summary>
    public sealed record Query(string FileName, bool WithVersionSuffix = false);

    /// <summary>A file of that name and the packages that ship it (without their section).</summary>
    public sealed record Hit(string Path, ImmutableArray<string> Packages);

    public static ImmutableDictionary<Query, ImmutableArray<Hit>> Search(Stream contents, IReadOnlyCollection<Query> queries)
    {
        var found = queries.ToDictionary(q => q, _ => new List<Hit>());
        var patterns = queries.Select(q => (Query: q, Bytes: Encoding.UTF8.GetBytes(q.FileName))).ToList();
        var buffer = new byte[BlockSize];
        var kept = 0;
        while (true)
        {
            var read = contents.ReadAtLeast(buffer.AsSpan(kept), buffer.Length - kept, throwOnEndOfStream: false);
            var length = kept + read;
            var end = read == 0 ? length : buffer.AsSpan(0, length).LastIndexOf((byte)'\n') + 1;
            if (end == 0)
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2); // a line longer than a block
                    kept = length;
                    continue;
                }

                end = length;
            }

            var block = buffer.AsSpan(0, end);
            foreach (var (query, bytes) in patterns)
            {
                Collect(block, bytes, query.WithVersionSuffix, found[query]);
            }

            if (read == 0)
            {
                break;
            }

            kept = length - end;
            buffer.AsSpan(end, kept).CopyTo(buffer);
        }

        return found.ToImmutableDictionary(f => f.Key, f => f.Value.ToImmutableArray());
    }

    private static void Collect(ReadOnlySpan<byte> block, ReadOnlySpan<byte> name, bool versionSuffix, List<Hit> hits)
    {
        var from = 0;
        while (from < block.Length)
        {
            var at = block[from..].IndexOf(name);
            if (at < 0)
            {
                return;
            }

            at += from;
            from = at + name.Length;
            // A whole file name: after a '/' (Contents paths are relative, so never the line's start
            // for a library) and up to the whitespace that ends the path, or a ".<version>" suffix.
            if (at == 0 || block[at - 1] != (byte)'/')
            {
                continue;
            }

            var after = at + name.Length;
            while (versionSuffix && after < block.Length && block[after] == (byte)'.' && after + 1 < block.Length && char.IsAsciiDigit((char)block[after + 1]))
            {
                after++;
                while (after < block.Length && (char.IsAsciiDigit((char)block[after]) || block[after] == (byte)'.'))
                {
                    after++;
                }
            }

            if (after >= block.Length || block[after] is not ((byte)' ' or (byte)'\t'))
            {
                continue;
            }

            var lineStart = block[..at].LastIndexOf((byte)'\n') + 1;
            var lineEnd = block[after..].IndexOf((byte)'\n');
            var line = Encoding.UTF8.GetString(block[lineStart..(lineEnd < 0 ? block.Length : after + lineEnd)]);
            if (Parse(line) is { } hit)
            {
                hits.Add(hit);
            }

            from = lineEnd < 0 ? block.Length : after + lineEnd + 1;
        }
    }

    /// <summary>Splits a line at the last run of whitespace: paths may contain spaces, package lists do not.</summary>
    internal static Hit? Parse(string line)
    {
        var trimmed = line.TrimEnd();
        var split = trimmed.LastIndexOfAny([' ', '\t']);
        if (split <= 0)
        {
            return null;
        }

        var path = trimmed[..split].TrimEnd().TrimStart('.', '/');
        var packages = trimmed[(split + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p[(p.LastIndexOf('/') + 1)..])
            .ToImmutableArray();
        return new Hit(path, packages);
    }
}
