using Distroless.Oci;

namespace Distroless.Base;

/// <summary>What base to compose: release, platform, where the archive is, and whether ICU is needed.</summary>
public sealed record BaseRequest(DebianRelease Release, Platform Platform, Uri Mirror, Uri SecurityMirror, bool IncludeIcu)
{
    public IReadOnlyList<string> PackageNames => IncludeIcu ? [.. Release.Packages, .. Release.IcuPackages] : Release.Packages;
}
