namespace Distroless.Oci;

/// <summary>An OCI platform (GOARCH/GOOS names) and its Debian architecture name.</summary>
public sealed record Platform(string Os, string Architecture, string? Variant = null)
{
    public static readonly Platform LinuxAmd64 = new("linux", "amd64");
    public static readonly Platform LinuxArm64 = new("linux", "arm64", "v8");

    /// <summary>Debian's name for the architecture (the same as Go's for amd64 and arm64).</summary>
    public string DebianArchitecture => Architecture;

    /// <summary>Maps a .NET runtime identifier (linux-x64, linux-arm64) to a platform.</summary>
    public static Platform? FromRuntimeIdentifier(string rid) => rid switch
    {
        "linux-x64" => LinuxAmd64,
        "linux-arm64" => LinuxArm64,
        _ => null,
    };

    /// <summary>The .NET runtime identifier of this platform (linux-x64, linux-arm64), or null for one .NET images are not built for.</summary>
    public string? RuntimeIdentifier => (Os, Architecture) switch
    {
        ("linux", "amd64") => "linux-x64",
        ("linux", "arm64") => "linux-arm64",
        _ => null,
    };

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
