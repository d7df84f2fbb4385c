using System.Buffers.Binary;
using System.Text;

namespace Distroless.Core.Tests.TestSupport;

/// <summary>
/// Minimal ELF files, laid out as the System V ABI says: the file header (52 bytes for
/// ELFCLASS32, 64 for ELFCLASS64), then the program header table (32- or 56-byte entries:
/// PT_PHDR, optionally PT_INTERP, PT_LOAD), then the interpreter path. Enough for a reader of
/// e_phoff/e_phentsize/e_phnum and p_type; nothing here would run.
/// </summary>
internal static class FakeElf
{
    public const ushort EtExec = 2;
    public const ushort EtDyn = 3;
    private const uint PtLoad = 1;
    private const uint PtInterp = 3;
    private const uint PtPhdr = 6;

    public static byte[] Create(bool is64 = true, bool littleEndian = true, bool interpreter = true, ushort type = EtDyn,
        string interpreterPath = "/lib64/ld-linux-x86-64.so.2")
    {
        var headerSize = is64 ? 64 : 52;
        var entrySize = is64 ? 56 : 32;
        var types = interpreter ? new[] { PtPhdr, PtInterp, PtLoad } : new[] { PtPhdr, PtLoad };
        var interp = Encoding.ASCII.GetBytes(interpreterPath + "\0");
        var interpOffset = headerSize + (entrySize * types.Length);
        var file = new byte[interpOffset + interp.Length + 16];

        file[0] = 0x7f;
        file[1] = (byte)'E';
        file[2] = (byte)'L';
        file[3] = (byte)'F';
        file[4] = (byte)(is64 ? 2 : 1);           // EI_CLASS
        file[5] = (byte)(littleEndian ? 1 : 2);   // EI_DATA
        file[6] = 1;                              // EI_VERSION
        var w = new Writer(file, littleEndian);
        w.U16(16, type);
        w.U16(18, is64 ? (ushort)62 : (ushort)3); // EM_X86_64, EM_386
        w.U32(20, 1);
        if (is64)
        {
            w.U64(32, (ulong)headerSize);         // e_phoff
            w.U16(52, (ushort)headerSize);        // e_ehsize
            w.U16(54, (ushort)entrySize);         // e_phentsize
            w.U16(56, (ushort)types.Length);      // e_phnum
        }
        else
        {
            w.U32(28, (uint)headerSize);
            w.U16(40, (ushort)headerSize);
            w.U16(42, (ushort)entrySize);
            w.U16(44, (ushort)types.Length);
        }

        for (var i = 0; i < types.Length; i++)
        {
            var at = headerSize + (i * entrySize);
            w.U32(at, types[i]);
            var (offset, size) = types[i] switch
            {
                PtInterp => ((ulong)interpOffset, (ulong)interp.Length),
                PtPhdr => ((ulong)headerSize, (ulong)(entrySize * types.Length)),
                _ => (0UL, (ulong)file.Length),
            };
            if (is64)
            {
                w.U64(at + 8, offset);
                w.U64(at + 32, size);
            }
            else
            {
                w.U32(at + 4, (uint)offset);
                w.U32(at + 16, (uint)size);
            }
        }

        interp.CopyTo(file, interpOffset);
        return file;
    }

    private sealed class Writer(byte[] bytes, bool little)
    {
        public void U16(int at, ushort value)
        {
            if (little)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), value);
            }
            else
            {
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at), value);
            }
        }

        public void U32(int at, uint value)
        {
            if (little)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), value);
            }
        }

        public void U64(int at, ulong value)
        {
            if (little)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), value);
            }
            else
            {
                BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(at), value);
            }
        }
    }
}
