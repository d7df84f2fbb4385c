using System.Buffers.Binary;

namespace Distroless.App;

/// <summary>
/// Decides a file's mode from its content, never from the build machine's file system (a
/// Windows checkout has no execute bits, a runtime pack marks its .so files executable):
/// an ELF file that asks for a program interpreter (PT_INTERP) is a program, as is a script
/// starting with "#!". Shared libraries have no interpreter and stay 0644, as Debian ships them.
/// </summary>
public static class ExecutableDetector
{
    private const uint PtInterp = 3;

    public static bool IsExecutable(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
        return IsExecutable(file);
    }

    public static bool IsExecutable(Stream file)
    {
        Span<byte> header = stackalloc byte[64];
        var read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read >= 2 && header[0] == (byte)'#' && header[1] == (byte)'!')
        {
            return true;
        }

        if (read < 52 || header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
        {
            return false;
        }

        var is64 = header[4] == 2;
        var little = header[5] == 1;
        // ET_EXEC: a (static) executable, which needs no interpreter.
        if (Read16(header[16..], little) == 2)
        {
            return true;
        }

        ulong phoff = is64 ? Read64(header[32..], little) : Read32(header[28..], little);
        int phentsize = Read16(is64 ? header[54..] : header[42..], little);
        int phnum = Read16(is64 ? header[56..] : header[44..], little);
        // A garbage header (a data file that happens to start with the ELF magic) is not a
        // program: entries too small to hold p_type, or a table outside the file, say so.
        if (phentsize < (is64 ? 56 : 32) || phnum == 0 || phnum > 4096
            || phoff > (ulong)file.Length || (ulong)(phentsize * phnum) > (ulong)file.Length - phoff)
        {
            return false;
        }

        var table = new byte[phentsize * phnum];
        file.Position = (long)phoff;
        if (file.ReadAtLeast(table, table.Length, throwOnEndOfStream: false) < table.Length)
        {
            return false;
        }

        for (var i = 0; i < phnum; i++)
        {
            if (Read32(table.AsSpan(i * phentsize), little) == PtInterp)
            {
                return true;
            }
        }

        return false;
    }

    private static ushort Read16(ReadOnlySpan<byte> b, bool little)
        => little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);

    private static uint Read32(ReadOnlySpan<byte> b, bool little)
        => little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);

    private static ulong Read64(ReadOnlySpan<byte> b, bool little)
        => little ? BinaryPrimitives.ReadUInt64LittleEndian(b) : BinaryPrimitives.ReadUInt64BigEndian(b);
}
