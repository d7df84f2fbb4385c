namespace Distroless.Signing;

/// <summary>Readable names for the key algorithms and curves a message may have to name.</summary>
internal static class KeyKinds
{
    public static string Name(string oid) => oid switch
    {
        "1.2.840.113549.1.1.1" or "1.2.840.113549.1.1.10" => "an RSA key",
        "1.2.840.10040.4.1" => "a DSA key",
        "1.3.101.113" => "an Ed448 key",
        "1.3.101.110" or "1.3.101.111" => "an X25519/X448 key-agreement key",
        "1.3.132.0.34" => "P-384",
        "1.3.132.0.35" => "P-521",
        "1.3.132.0.10" => "secp256k1",
        _ => $"OID {oid}",
    };
}
