using Distroless.Oci;

namespace Distroless.Native;

/// <summary>
/// How the dynamic loader of a Debian image looks for libraries on one architecture: the ELF
/// machine and class it loads, and its system search path (ld.so's built-in directories; the
/// images carry no /etc/ld.so.cache, so these and the object's own RUNPATH are all it has).
/// </summary>
public sealed record NativeArchitecture(string DebianArchitecture, string Triplet, int ElfMachine, bool Is64)
{
    public static readonly NativeArchitecture Amd64 = new("amd64", "x86_64-linux-gnu", 62, true);
    public static readonly NativeArchitecture Arm64 = new("arm64", "aarch64-linux-gnu", 183, true);

    public static NativeArchitecture For(Platform platform) => platform.DebianArchitecture switch
    {
        "amd64" => Amd64,
        "arm64" => Arm64,
        var other => throw new ArgumentOutOfRangeException(nameof(platform), $"no native architecture for {other}"),
    };

    /// <summary>ld.so's trusted directories, in its order (multiarch first, as Debian builds glibc).</summary>
    public IReadOnlyList<string> SystemDirectories => [$"lib/{Triplet}", $"usr/lib/{Triplet}", "lib", "usr/lib"];

    /// <summary>The multiarch directories, where Debian's runtime library packages put their libraries.</summary>
    public bool IsMultiarchDirectory(string directory) => directory == $"lib/{Triplet}" || directory == $"usr/lib/{Triplet}";

    /// <summary>What $PLATFORM expands to (AT_PLATFORM).</summary>
    public string PlatformName => Triplet[..Triplet.IndexOf('-')];

    /// <summary>An object this loader can load: the same machine and class.</summary>
    public bool CanLoad(ElfObject elf) => elf.Machine == ElfMachine && elf.Is64 == Is64;
}
