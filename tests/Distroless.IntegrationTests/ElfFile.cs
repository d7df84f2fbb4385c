using System.Buffers.Binary;
using System.Text;

namespace Distroless.IntegrationTests;

/// <summary>
/// Just enough of ELF64 (little-endian) to list a file's DT_NEEDED libraries: program headers
/// → PT_DYNAMIC → DT_STRTAB (a virtual address, mapped to a file offset through PT_LOAD) →
/// the needed names.
/// </summary>
public static class ElfFile
{
    public static bool IsElf(ReadOnlySpan<byte> bytes) => bytes.Length > 64 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F';

    /// <summary>e_machine: 62 is x86-64 (EM_X86_64), 183 is AArch64 (EM_AARCH64).</summary>
    public static int Machine(ReadOnlySpan<byte> elf) => IsElf(elf) ? BinaryPrimitives.ReadUInt16LittleEndian(elf[18..]) : -1;

    public const int X8664 = 62;

    public const int AArch64 = 183;

    public static IReadOnlyList<string> Needed(byte[] elf)
    {
        if (!IsElf(elf) || elf[4] != 2 || elf[5] != 1)
        {
            throw new NotSupportedException("only little-endian ELF64");
        }

        var phoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(32));
        int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(54));
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(56));
        var loads = new List<(ulong Vaddr, ulong Offset, ulong Size)>();
        (ulong Offset, ulong Size)? dynamic = null;
        for (var i = 0; i < phnum; i++)
        {
            var ph = elf.AsSpan((int)(phoff + i * phentsize));
            var type = BinaryPrimitives.ReadUInt32LittleEndian(ph);
            var offset = BinaryPrimitives.ReadUInt64LittleEndian(ph[8..]);
            var vaddr = BinaryPrimitives.ReadUInt64LittleEndian(ph[16..]);
            var fileSize = BinaryPrimitives.ReadUInt64LittleEndian(ph[32..]);
            if (type == 1)
            {
                loads.Add((vaddr, offset, fileSize));
            }
            else if (type == 2)
            {
                dynamic = (offset, fileSize);
            }
        }

        if (dynamic is not { } dyn)
        {
            return [];
        }

        var neededOffsets = new List<ulong>();
        ulong strtab = 0;
        for (var at = dyn.Offset; at + 16 <= dyn.Offset + dyn.Size; at += 16)
        {
            var tag = BinaryPrimitives.ReadInt64LittleEndian(elf.AsSpan((int)at));
            var value = BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan((int)at + 8));
            if (tag == 0)
            {
                break;
            }

            if (tag == 1)
            {
                neededOffsets.Add(value);
            }
            else if (tag == 5)
            {
                strtab = value;
            }
        }

        var load = loads.First(l => strtab >= l.Vaddr && strtab < l.Vaddr + l.Size);
        var strtabOffset = (int)(strtab - load.Vaddr + load.Offset);
        return neededOffsets.Select(o =>
        {
            var start = strtabOffset + (int)o;
            var end = Array.IndexOf(elf, (byte)0, start);
            return Encoding.ASCII.GetString(elf, start, end - start);
        }).ToList();
    }
}
