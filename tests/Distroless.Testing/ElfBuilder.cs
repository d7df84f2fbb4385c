using System.Buffers.Binary;
using System.Text;

namespace Distroless.Testing;

/// <summary>
/// Dynamically linked ELF files as the System V ABI lays them out, for tests of what the loader
/// needs: file header, program headers (PT_LOAD over the whole file at virtual address = file
/// offset, PT_DYNAMIC, optionally PT_INTERP), the interpreter path, the dynamic string table
/// and the dynamic section (DT_NEEDED…, DT_SONAME, DT_RPATH, DT_RUNPATH, DT_STRTAB, DT_STRSZ,
/// DT_NULL). 64- or 32-bit, either byte order. Written independently of the product's reader.
/// </summary>
public sealed record ElfBuilder
{
    public const int X8664 = 62;
    public const int AArch64 = 183;

    public int Machine { get; init; } = X8664;
    public bool Is64 { get; init; } = true;
    public bool LittleEndian { get; init; } = true;
    public string? SoName { get; init; }
    public IReadOnlyList<string> Needed { get; init; } = [];
    public string? RunPath { get; init; }
    public string? RPath { get; init; }

    /// <summary>A program's loader (PT_INTERP); null for a shared library.</summary>
    public string? Interpreter { get; init; }

    /// <summary>Bytes appended after the dynamic section (to make files differ, or to hold a bundle marker).</summary>
    public byte[] Trailer { get; init; } = [];

    public static ElfBuilder Library(string soname, params string[] needed) => new() { SoName = soname, Needed = needed };

    public byte[] Build()
    {
        var headerSize = Is64 ? 64 : 52;
        var phSize = Is64 ? 56 : 32;
        var phCount = Interpreter is null ? 2 : 3;
        var interp = Interpreter is null ? [] : Encoding.ASCII.GetBytes(Interpreter + "\0");

        var strings = new MemoryStream();
        strings.WriteByte(0);
        int Str(string value)
        {
            var at = (int)strings.Length;
            strings.Write(Encoding.UTF8.GetBytes(value + "\0"));
            return at;
        }

        var dynamic = new List<(long Tag, long Value)>();
        dynamic.AddRange(Needed.Select(n => (1L, (long)Str(n))));
        if (SoName is not null)
        {
            dynamic.Add((14, Str(SoName)));
        }

        if (RPath is not null)
        {
            dynamic.Add((15, Str(RPath)));
        }

        if (RunPath is not null)
        {
            dynamic.Add((29, Str(RunPath)));
        }

        var interpOffset = headerSize + (phSize * phCount);
        var strtabOffset = interpOffset + interp.Length;
        var strtab = strings.ToArray();
        var dynamicOffset = (strtabOffset + strtab.Length + 7) / 8 * 8;
        dynamic.Add((5, strtabOffset));
        dynamic.Add((10, strtab.Length));
        dynamic.Add((0, 0));
        var entrySize = Is64 ? 16 : 8;
        var dynamicSize = dynamic.Count * entrySize;
        var file = new byte[dynamicOffset + dynamicSize + Trailer.Length];

        file[0] = 0x7f;
        file[1] = (byte)'E';
        file[2] = (byte)'L';
        file[3] = (byte)'F';
        file[4] = (byte)(Is64 ? 2 : 1);
        file[5] = (byte)(LittleEndian ? 1 : 2);
        file[6] = 1;
        U16(file, 16, (ushort)(Interpreter is null ? 3 : 2)); // ET_DYN, ET_EXEC
        U16(file, 18, (ushort)Machine);
        U32(file, 20, 1);
        if (Is64)
        {
            U64(file, 32, (ulong)headerSize);
            U16(file, 52, (ushort)headerSize);
            U16(file, 54, (ushort)phSize);
            U16(file, 56, (ushort)phCount);
        }
        else
        {
            U32(file, 28, (uint)headerSize);
            U16(file, 40, (ushort)headerSize);
            U16(file, 42, (ushort)phSize);
            U16(file, 44, (ushort)phCount);
        }

        var headers = new List<(uint Type, long Offset, long Size)> { (1, 0, file.Length), (2, dynamicOffset, dynamicSize) };
        if (Interpreter is not null)
        {
            headers.Add((3, interpOffset, interp.Length));
        }

        for (var i = 0; i < headers.Count; i++)
        {
            var at = headerSize + (i * phSize);
            var (type, offset, size) = headers[i];
            U32(file, at, type);
            if (Is64)
            {
                U64(file, at + 8, (ulong)offset);   // p_offset
                U64(file, at + 16, (ulong)offset);  // p_vaddr
                U64(file, at + 24, (ulong)offset);  // p_paddr
                U64(file, at + 32, (ulong)size);    // p_filesz
                U64(file, at + 40, (ulong)size);    // p_memsz
            }
            else
            {
                U32(file, at + 4, (uint)offset);
                U32(file, at + 8, (uint)offset);
                U32(file, at + 12, (uint)offset);
                U32(file, at + 16, (uint)size);
                U32(file, at + 20, (uint)size);
            }
        }

        interp.CopyTo(file, interpOffset);
        strtab.CopyTo(file, strtabOffset);
        for (var i = 0; i < dynamic.Count; i++)
        {
            var at = dynamicOffset + (i * entrySize);
            if (Is64)
            {
                U64(file, at, (ulong)dynamic[i].Tag);
                U64(file, at + 8, (ulong)dynamic[i].Value);
            }
            else
            {
                U32(file, at, (uint)dynamic[i].Tag);
                U32(file, at + 4, (uint)dynamic[i].Value);
            }
        }

        Trailer.CopyTo(file, dynamicOffset + dynamicSize);
        return file;
    }

    private void U16(byte[] b, int at, ushort v)
    {
        if (LittleEndian) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), v); else BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(at), v);
    }

    private void U32(byte[] b, int at, uint v)
    {
        if (LittleEndian) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v); else BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at), v);
    }

    private void U64(byte[] b, int at, ulong v)
    {
        if (LittleEndian) BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(at), v); else BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(at), v);
    }
}
