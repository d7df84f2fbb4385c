using Distroless.Oci;

namespace Distroless.Base;

/// <summary>What base to compose: release, platform, where the archive is, and which parts the app needs.</summary>
public sealed record BaseRequest(DebianRelease Release, Platform Platform, Uri Mirror, Uri SecurityMirror, BaseFlavor Flavor)
{
    public IReadOnlyList<string> PackageNames => Flavor.PackagesOf(Release);
}
