using System.Collections.Immutable;
using System.Text;
using Distroless.Diagnostics;
using Distroless.Oci;
using Distroless.Registry;
using Distroless.Registry.Auth;
using Distroless.Testing.Registry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Distroless.Core.Tests.Registry;

/// <summary>
/// How the registry tests reach an <see cref="InMemoryRegistry"/>: options whose retries take
/// milliseconds and whose chunk sizes are small, a credential store built from a dictionary
/// (never the process environment), and transports on the fake.
/// </summary>
internal static class RegistryTestKit
{
    public const string User = "ci-bot";
    public const string Password = "pa55-Wörd-do-not-leak";

    public static readonly RetryPolicy FastRetry = new()
    {
        MaxAttempts = 4,
        FirstDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(5),
        TotalTime = TimeSpan.FromSeconds(30),
    };

    public static RegistryOptions Options(InMemoryRegistry registry) => new()
    {
        HandlerFactory = () => registry,
        Retry = FastRetry,
        Time = registry.Time,
        ChunkedUploadThreshold = 64 * 1024,
        ChunkSize = 16 * 1024,
        RequestTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>A store whose environment is <paramref name="environment"/> and whose home holds nothing.</summary>
    public static CredentialStore Credentials(IReadOnlyDictionary<string, string> environment, string? home = null, ICredentialHelperRunner? helpers = null)
        => new(name => environment.GetValueOrDefault(name), home ?? Path.Combine(Path.GetTempPath(), "distroless-no-home-" + Guid.NewGuid().ToString("N")),
            helpers ?? new FakeCredentialHelperRunner(), NullLogger.Instance);

    /// <summary>DOTNET_CONTAINER_REGISTRY_UNAME/_PWORD set to <see cref="User"/> and <paramref name="password"/>.</summary>
    public static CredentialStore Login(string password = Password) => Credentials(new Dictionary<string, string>
    {
        ["DOTNET_CONTAINER_REGISTRY_UNAME"] = User,
        ["DOTNET_CONTAINER_REGISTRY_PWORD"] = password,
    });

    public static CredentialStore Anonymous() => Credentials(new Dictionary<string, string>());

    /// <summary>A registry that knows <see cref="User"/>, with the given authentication.</summary>
    public static InMemoryRegistry NewRegistry(RegistryAuthMode auth = RegistryAuthMode.None, TimeProvider? time = null, string host = "registry.test")
        => new InMemoryRegistry(host, time) { Auth = auth }.WithUser(User, Password);

    public static RegistryTransport Transport(InMemoryRegistry registry, RegistryOptions? options = null, CredentialStore? credentials = null, bool push = true)
        => new(registry.Host, options ?? Options(registry), credentials ?? Login(), push, NullLogger.Instance);

    /// <summary>The DSTL exception <paramref name="action"/> throws.</summary>
    public static DistrolessException Fails(AsyncTestDelegate action)
        => Assert.ThrowsAsync<DistrolessException>(action)!;

    /// <summary>Deterministic bytes that do not compress (a layer stand-in).</summary>
    public static byte[] Bytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static BlobSource Blob(byte[] content, string mediaType = MediaTypes.LayerGzip)
        => BlobSource.FromBytes(new Descriptor(mediaType, Digest.Compute(content), content.Length), content);

    public static byte[] Content(this BlobSource blob)
    {
        using var stream = blob.Open();
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    public static IReadOnlyList<ImageReference> Tags(string repository, params string[] tags)
        => tags.Select(t => ImageReference.Create("registry.test", repository, t)).ToList();
}

/// <summary>An image to push: layer blobs, a config naming them, and its OCI manifest.</summary>
internal sealed record PushableImage(IReadOnlyList<BlobSource> Layers, BlobSource Config, byte[] Manifest)
{
    public IReadOnlyList<BlobSource> Blobs => [.. Layers, Config];

    public Digest Digest => Digest.Compute(Manifest);

    public static PushableImage Of(params byte[][] layers)
    {
        var blobs = layers.Select(l => RegistryTestKit.Blob(l)).ToList();
        var config = RegistryTestKit.Blob(Encoding.UTF8.GetBytes(
            "{\"layers\":[" + string.Join(',', blobs.Select(b => $"\"{b.Descriptor.Digest}\"")) + "]}"), MediaTypes.ImageConfig);
        var manifest = OciJson.Serialize(new ImageManifest(config.Descriptor, blobs.Select(b => b.Descriptor).ToImmutableArray()));
        return new PushableImage(blobs, config, manifest);
    }
}
