using Distroless.Caching;
using Distroless.Oci;
using Distroless.Registry;
using Distroless.Registry.Auth;
using Distroless.Testing;
using Distroless.Testing.Registry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Distroless.Core.Tests.Registry;

/// <summary>
/// A registry, a cache and options for push tests. Every <see cref="PushAsync"/> is a publish of
/// its own (a new transport, as a new build has) sharing the cache, as builds on one machine do.
/// </summary>
internal sealed class PushSetup : IDisposable
{
    private readonly TempDirectory _temp = new();

    public PushSetup(RegistryAuthMode auth = RegistryAuthMode.None)
    {
        Registry = RegistryTestKit.NewRegistry(auth);
        Options = RegistryTestKit.Options(Registry);
        Cache = new BlobCache(_temp.Combine("cache"));
    }

    public InMemoryRegistry Registry { get; }

    public RegistryOptions Options { get; set; }

    public CredentialStore Credentials { get; set; } = RegistryTestKit.Login();

    public BlobCache Cache { get; }

    public async Task<PushResult> PushAsync(PushableImage image, string repository, params string[] tags)
    {
        using var transport = new RegistryTransport(Registry.Host, Options, Credentials, push: true, NullLogger.Instance);
        var pusher = new ImagePusher(transport, Cache, Options, NullLogger.Instance);
        return await pusher.PushAsync(RegistryTestKit.Tags(repository, tags), image.Blobs, image.Manifest, MediaTypes.ImageManifest);
    }

    /// <summary>The kinds of the requests received since the last reset, the ping left out.</summary>
    public IReadOnlyList<RegistryRequestKind> Kinds()
        => Registry.Exchanges.Select(e => e.Kind).Where(k => k is not (RegistryRequestKind.Ping or RegistryRequestKind.Token)).ToList();

    public void Dispose() => _temp.Dispose();
}
