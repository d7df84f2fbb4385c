using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Distroless.Native;

/// <summary>
/// The native libraries managed code names in its P/Invoke declarations (module references),
/// for the app's own and its packages' assemblies. Many are conditional (a Windows or macOS
/// branch, an optional feature), so they only ever lead to suggestions, never to additions.
/// Names no Linux image could provide (Windows and Apple libraries) and the C library are
/// left out.
/// </summary>
public static class PInvokeImports
{
    private static readonly FrozenSet<string> NeverOnLinux = new[]
    {
        "kernel32", "kernelbase", "user32", "gdi32", "advapi32", "ole32", "oleaut32", "ntdll", "shell32", "ws2_32", "crypt32", "bcrypt",
        "ncrypt", "secur32", "sspicli", "iphlpapi", "winhttp", "wininet", "version", "dbghelp", "comctl32", "comdlg32", "uxtheme",
        "dwmapi", "shcore", "winmm", "msvcrt", "ucrtbase", "psapi", "userenv", "netapi32", "rpcrt4", "setupapi", "hid", "mpr",
        "wtsapi32", "normaliz", "mscoree", "winspool.drv", "imm32", "propsys", "d3d11", "dxgi", "opengl32", "__internal", "qcall",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // glibc's libraries: always in the base, and .NET resolves "libc" itself.
    private static readonly FrozenSet<string> CLibrary = new[]
    {
        "c", "libc", "m", "libm", "dl", "libdl", "pthread", "libpthread", "rt", "librt", "util", "libutil", "resolv", "libresolv",
        "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Module name → the assemblies (file names) that import it, both sorted.</summary>
    public static ImmutableSortedDictionary<string, ImmutableArray<string>> Read(IEnumerable<string> assemblyPaths)
    {
        var found = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var path in assemblyPaths)
        {
            foreach (var name in ModuleNames(path).Where(IsLinuxLibraryName))
            {
                if (!found.TryGetValue(name, out var assemblies))
                {
                    found[name] = assemblies = new SortedSet<string>(StringComparer.Ordinal);
                }

                assemblies.Add(Path.GetFileName(path));
            }
        }

        return found.ToImmutableSortedDictionary(f => f.Key, f => f.Value.ToImmutableArray(), StringComparer.Ordinal);
    }

    /// <summary>The file names .NET tries for a DllImport name on Linux ("foo" → libfoo.so, foo.so); a name with ".so" as it is.</summary>
    public static IReadOnlyList<string> FileNames(string module)
        => module.Contains(".so", StringComparison.Ordinal) ? [module]
            : module.StartsWith("lib", StringComparison.Ordinal) ? [module + ".so"]
            : [$"lib{module}.so", module + ".so"];

    private static bool IsLinuxLibraryName(string name)
        => name.Length > 0 && !name.Contains('/') && !name.Contains('\\') && !NeverOnLinux.Contains(name) && !CLibrary.Contains(name)
            && !name.StartsWith("api-ms-", StringComparison.OrdinalIgnoreCase) && !name.StartsWith("ext-ms-", StringComparison.OrdinalIgnoreCase)
            && !name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && !name.EndsWith(".dylib", StringComparison.OrdinalIgnoreCase)
            && !name.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) && !name.StartsWith("libSystem.", StringComparison.Ordinal);

    private static IEnumerable<string> ModuleNames(string path)
    {
        List<string> names = [];
        try
        {
            using var file = File.OpenRead(path);
            using var pe = new PEReader(file);
            if (!pe.HasMetadata)
            {
                return [];
            }

            var metadata = pe.GetMetadataReader();
            for (var row = 1; row <= metadata.GetTableRowCount(TableIndex.ModuleRef); row++)
            {
                names.Add(metadata.GetString(metadata.GetModuleReference(MetadataTokens.ModuleReferenceHandle(row)).Name));
            }
        }
        catch (BadImageFormatException)
        {
            // Not a managed assembly (a resource, a native DLL for Windows): it imports nothing here.
        }

        return names;
    }
}
