using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;

namespace Distroless.Native;

/// <summary>
/// Reads the dynamic-linking facts of an ELF file (32 or 64 bit, either byte order): program
/// headers → PT_INTERP and PT_DYNAMIC → DT_NEEDED, DT_SONAME, DT_RUNPATH and DT_RPATH, whose
/// strings live in DT_STRTAB (a virtual address, mapped to a file offset through PT_LOAD).
/// Reads only the headers, the dynamic segment and the string table, never the whole file.
/// A file that is not ELF, or whose tables do not fit in it, gives null: it is data, not code.
/// </summary>
public static class ElfReader
{
    private const uint PtLoad = 1, PtDynamic = 2, PtInterp = 3;
    private const long DtNull = 0, DtNeeded = 1, DtStrtab = 5, DtStrsz = 10, DtSoname = 14, DtRpath = 15, DtRunpath = 29;

    /// <summary>Four bytes that start every ELF file.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> start)
        => start.Length >= 4 && start[0] == 0x7f && start[1] == (byte)'E' && start[2] == (byte)'L' && start[3] == (byte)'F';

    public static ElfObject? Read(string filePath, string imagePath)
    {
        using var file = new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
        return Read(file, imagePath);
    }

    public static ElfObject? Read(byte[] content, string imagePath) => Read(new MemoryStream(content, writable: false), imagePath);

    /// <param name="file">A seekable stream over the whole file.</param>
    /// <param name="imagePath">Where the file is in the image.</param>
    public static ElfObject? Read(Stream file, string imagePath)
    {
        try
        {
            return TryRead(file, imagePath);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentOutOfRangeException or OverflowException)
        {
            return null;
        }
    }

    private static ElfObject? TryRead(Stream file, string imagePath)
    {
        var header = new byte[64];
        if (file.ReadAtLeast(header, 52, throwOnEndOfStream: false) < 52 || !HasMagic(header) || header[4] is not (1 or 2) || header[5] is not (1 or 2))
        {
            return null;
        }

        var reader = new Fields(header[4] == 2, header[5] == 1);
        var machine = reader.U16(header, 18);
        var phoff = reader.Is64 ? reader.U64(header, 32) : reader.U32(header, 28);
        int phentsize = reader.U16(header, reader.Is64 ? 54 : 42);
        int phnum = reader.U16(header, reader.Is64 ? 56 : 44);
        if (phentsize < (reader.Is64 ? 56 : 32) || phnum is 0 or > 4096 || phoff > (ulong)file.Length
            || (ulong)(phentsize * phnum) > (ulong)file.Length - phoff)
        {
            return new ElfObject { Path = imagePath, Machine = machine, Is64 = reader.Is64 };
        }

        var table = ReadAt(file, phoff, phentsize * phnum);
        var loads = new List<(ulong Vaddr, ulong Offset, ulong Size)>();
        (ulong Offset, ulong Size)? dynamic = null, interp = null;
        for (var i = 0; i < phnum; i++)
        {
            var at = i * phentsize;
            var type = reader.U32(table, at);
            ulong offset, vaddr, size;
            if (reader.Is64)
            {
                (offset, vaddr, size) = (reader.U64(table, at + 8), reader.U64(table, at + 16), reader.U64(table, at + 32));
            }
            else
            {
                (offset, vaddr, size) = (reader.U32(table, at + 4), reader.U32(table, at + 8), reader.U32(table, at + 16));
            }

            switch (type)
            {
                case PtLoad:
                    loads.Add((vaddr, offset, size));
                    break;
                case PtDynamic:
                    dynamic = (offset, size);
                    break;
                case PtInterp:
                    interp = (offset, size);
                    break;
            }
        }

        var interpreter = interp is { } i2 && i2.Size is > 0 and < 4096 ? CString(ReadAt(file, i2.Offset, (int)i2.Size), 0) : null;
        if (dynamic is not { } dyn || dyn.Size is 0 or > 1 << 20)
        {
            return new ElfObject { Path = imagePath, Machine = machine, Is64 = reader.Is64, Interpreter = interpreter };
        }

        var entries = ReadAt(file, dyn.Offset, (int)dyn.Size);
        var entrySize = reader.Is64 ? 16 : 8;
        var strings = new List<(long Tag, ulong Offset)>();
        ulong strtab = 0, strsz = 0;
        for (var at = 0; at + entrySize <= entries.Length; at += entrySize)
        {
            var tag = reader.Is64 ? (long)reader.U64(entries, at) : (int)reader.U32(entries, at);
            var value = reader.Is64 ? reader.U64(entries, at + 8) : reader.U32(entries, at + 4);
            if (tag == DtNull)
            {
                break;
            }

            switch (tag)
            {
                case DtStrtab:
                    strtab = value;
                    break;
                case DtStrsz:
                    strsz = value;
                    break;
                case DtNeeded or DtSoname or DtRpath or DtRunpath:
                    strings.Add((tag, value));
                    break;
            }
        }

        var load = loads.FirstOrDefault(l => strtab >= l.Vaddr && strtab < l.Vaddr + l.Size);
        if (load.Size == 0 || strsz is 0 or > 64 << 20)
        {
            return new ElfObject { Path = imagePath, Machine = machine, Is64 = reader.Is64, IsDynamic = true, Interpreter = interpreter };
        }

        var text = ReadAt(file, strtab - load.Vaddr + load.Offset, (int)Math.Min(strsz, (ulong)file.Length));
        string At(ulong offset) => offset < (ulong)text.Length ? CString(text, (int)offset) : "";
        ImmutableArray<string> Paths(long tag) => strings.Where(s => s.Tag == tag)
            .SelectMany(s => At(s.Offset).Split(':', StringSplitOptions.RemoveEmptyEntries)).ToImmutableArray();

        return new ElfObject
        {
            Path = imagePath,
            Machine = machine,
            Is64 = reader.Is64,
            IsDynamic = true,
            Interpreter = interpreter,
            SoName = strings.Where(s => s.Tag == DtSoname).Select(s => At(s.Offset)).FirstOrDefault(),
            Needed = strings.Where(s => s.Tag == DtNeeded).Select(s => At(s.Offset)).Where(n => n.Length > 0).ToImmutableArray(),
            RunPath = Paths(DtRunpath),
            RPath = Paths(DtRpath),
        };
    }

    private static byte[] ReadAt(Stream file, ulong offset, int length)
    {
        if (offset > (ulong)file.Length || (ulong)length > (ulong)file.Length - offset)
        {
            throw new EndOfStreamException();
        }

        var buffer = new byte[length];
        file.Position = (long)offset;
        file.ReadExactly(buffer);
        return buffer;
    }

    private static string CString(byte[] bytes, int start)
    {
        var end = Array.IndexOf(bytes, (byte)0, start);
        return Encoding.UTF8.GetString(bytes, start, (end < 0 ? bytes.Length : end) - start);
    }

    /// <summary>Integer fields in the file's class and byte order.</summary>
    private readonly record struct Fields(bool Is64, bool Little)
    {
        public ushort U16(byte[] b, int at) => Little ? BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(at));

        public uint U32(byte[] b, int at) => Little ? BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at));

        public ulong U64(byte[] b, int at) => Little ? BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt64BigEndian(b.AsSpan(at));
    }
}
