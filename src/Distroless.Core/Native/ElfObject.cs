using System.Collections.Immutable;

namespace Distroless.Native;

/// <summary>
/// What the dynamic loader needs to know about one ELF file in an image: which machine it is
/// for, whether it is loaded dynamically at all, the libraries it names (DT_NEEDED) and where
/// it asks to look for them (DT_RUNPATH, DT_RPATH). Plain data, kept in the cache per layer.
/// </summary>
public sealed record ElfObject
{
    /// <summary>The path in the image, relative and '/'-separated (usr/lib/x86_64-linux-gnu/libz.so.1.2.13).</summary>
    public required string Path { get; init; }

    /// <summary>e_machine: 62 is x86-64, 183 is AArch64.</summary>
    public required int Machine { get; init; }

    public required bool Is64 { get; init; }

    /// <summary>Has a PT_DYNAMIC segment: the loader resolves its DT_NEEDED (a static binary has none).</summary>
    public bool IsDynamic { get; init; }

    /// <summary>PT_INTERP of a program (/lib64/ld-linux-x86-64.so.2, or a musl loader).</summary>
    public string? Interpreter { get; init; }

    public string? SoName { get; init; }

    public ImmutableArray<string> Needed { get; init; } = [];

    public ImmutableArray<string> RunPath { get; init; } = [];

    public ImmutableArray<string> RPath { get; init; } = [];

    /// <summary>
    /// Built for musl (Alpine): it names musl's C library or loader. It cannot load on a glibc
    /// image, and packages ship such files beside the glibc ones for the runtime to choose from.
    /// </summary>
    public bool IsMusl => Needed.Any(n => n.StartsWith("libc.musl-", StringComparison.Ordinal))
        || (Interpreter?.Contains("ld-musl-", StringComparison.Ordinal) ?? false);

    /// <summary>The directory it lives in, for $ORIGIN.</summary>
    public string Directory => Path.LastIndexOf('/') is var slash and > 0 ? Path[..slash] : "";

    public string FileName => Path[(Path.LastIndexOf('/') + 1)..];
}
