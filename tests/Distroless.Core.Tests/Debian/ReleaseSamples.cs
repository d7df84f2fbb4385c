namespace Distroless.Core.Tests.Debian;

/// <summary>Release bodies the signature tests sign.</summary>
internal static class ReleaseSamples
{
    /// <summary>A small Release body with a line that needs dash-escaping.</summary>
    public const string Body = """
        Origin: Debian
        Label: Debian
        Suite: stable
        Codename: trixie
        Date: Sat, 11 Jul 2026 10:16:37 UTC
        Acquire-By-Hash: yes
        Architectures: all amd64
        Components: main
        Description: Test release
        -dashed: a line that starts with a dash
        SHA256:
         e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855        0 main/binary-amd64/Packages

        """;

    /// <summary>When the sample keys (created 2020-01-01) sign.</summary>
    public static readonly DateTime SignedAt = new(2026, 7, 11, 10, 17, 12, DateTimeKind.Utc);
}
