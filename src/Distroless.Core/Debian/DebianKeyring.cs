using Distroless.Oci;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Distroless.Debian;

/// <summary>
/// The OpenPGP public keys whose signatures on InRelease files are trusted. The default set
/// is shipped with the package (public keys from Debian's debian-archive-keyring; see the
/// README for where they come from and when to refresh them); the build machine's keyring is
/// never consulted.
/// </summary>
public sealed class DebianKeyring
{
    // Parsing the keyrings costs tens of milliseconds, and a build whose InRelease files were
    // verified before never needs them, so they are parsed on first use.
    private readonly Lazy<List<PgpPublicKeyRingBundle>> _bundles;

    private DebianKeyring(IReadOnlyList<byte[]> keyrings)
    {
        Id = Digest.Compute(keyrings.SelectMany(k => k).ToArray());
        _bundles = new(() => keyrings.Select(k => new PgpPublicKeyRingBundle(PgpUtilities.GetDecoderStream(new MemoryStream(k)))).ToList());
    }

    /// <summary>The archive keys shipped in this assembly.</summary>
    public static DebianKeyring Default { get; } = LoadShipped();

    /// <summary>Identifies the key set: a verification remembered under another key set does not count.</summary>
    public Digest Id { get; }

    /// <summary>Keys from binary or armored OpenPGP keyrings (tests use their own).</summary>
    public static DebianKeyring FromStreams(IEnumerable<Stream> keyrings)
        => new(keyrings.Select(s =>
        {
            var buffer = new MemoryStream();
            s.CopyTo(buffer);
            return buffer.ToArray();
        }).ToList());

    /// <summary>Key IDs (16 hex digits) of every primary key and subkey.</summary>
    public IEnumerable<string> KeyIds => _bundles.Value
        .SelectMany(b => b.GetKeyRings())
        .SelectMany(r => r.GetPublicKeys())
        .Select(k => k.KeyId.ToString("X16"));

    /// <summary>The key with <paramref name="keyId"/> and the primary key of its ring (the same key for a primary).</summary>
    internal (PgpPublicKey Key, PgpPublicKey Primary)? Find(long keyId)
    {
        foreach (var bundle in _bundles.Value)
        {
            var ring = bundle.GetPublicKeyRing(keyId);
            if (ring?.GetPublicKey(keyId) is { } key)
            {
                return (key, ring.GetPublicKey());
            }
        }

        return null;
    }

    private static DebianKeyring LoadShipped()
    {
        var assembly = typeof(DebianKeyring).Assembly;
        var names = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Distroless.Debian.Keys.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        var streams = names.Select(n => assembly.GetManifestResourceStream(n)!).ToList();
        try
        {
            return FromStreams(streams);
        }
        finally
        {
            streams.ForEach(s => s.Dispose());
        }
    }
}
