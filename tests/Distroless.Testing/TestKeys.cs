namespace Distroless.Testing;

/// <summary>
/// Keys shared by all tests of a run (RSA key generation takes a fraction of a second each):
/// made once, lazily, thread-safely.
/// </summary>
public static class TestKeys
{
    private static readonly Lazy<TestSigningKey> LazyArchive = new(() => TestSigningKey.Create(
        "Test Archive Automatic Signing Key <ftpmaster@example.invalid>", TestKeyAlgorithm.Rsa, signingSubkey: true));

    private static readonly Lazy<TestSigningKey> LazyStable = new(() => TestSigningKey.Create(
        "Test Stable Release Key <release@example.invalid>", TestKeyAlgorithm.Ed25519));

    private static readonly Lazy<TestSigningKey> LazyStranger = new(() => TestSigningKey.Create(
        "Someone Else <stranger@example.invalid>", TestKeyAlgorithm.Rsa));

    /// <summary>RSA, signing with a subkey, like Debian's automatic archive keys.</summary>
    public static TestSigningKey Archive => LazyArchive.Value;

    /// <summary>Ed25519, like Debian's stable release keys.</summary>
    public static TestSigningKey Stable => LazyStable.Value;

    /// <summary>A key no test keyring trusts.</summary>
    public static TestSigningKey Stranger => LazyStranger.Value;
}
