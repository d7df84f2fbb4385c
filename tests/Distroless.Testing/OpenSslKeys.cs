namespace Distroless.Testing;

/// <summary>A private key file and its public half (PEM), as openssl wrote them.</summary>
public sealed record KeyPair(string PrivateKeyPath, string PublicKeyPem);

/// <summary>
/// Signing keys made the way the docs tell users to make them: by the openssl command line
/// (an independent implementation of PKCS#8, its encryption and the PEM framing).
/// </summary>
public static class OpenSslKeys
{
    /// <summary>"ec" (P-256), "ed25519", "rsa" or "ec-p384"; encrypted with AES-256-CBC when <paramref name="password"/> is given.</summary>
    public static KeyPair Generate(string directory, string kind, string? password = null)
    {
        var path = Path.Combine(directory, $"{kind}{(password is null ? "" : "-encrypted")}-{Guid.NewGuid():N}.pem");
        string[] algorithm = kind switch
        {
            "ec" => ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
            "ec-p384" => ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
            "ed25519" => ["-algorithm", "ed25519"],
            "rsa" => ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
            _ => throw new ArgumentException($"unknown key kind {kind}", nameof(kind)),
        };
        string[] encryption = password is null ? [] : ["-aes-256-cbc", "-pass", "pass:" + password];
        Run(["genpkey", .. algorithm, .. encryption, "-out", path]);
        var publicKey = Run(["pkey", "-in", path, "-pubout", .. password is null ? Array.Empty<string>() : ["-passin", "pass:" + password]]);
        return new KeyPair(path, publicKey);
    }

    private static string Run(string[] arguments)
    {
        var result = ExternalTool.Run("openssl", arguments);
        return result.ExitCode == 0
            ? result.OutputText
            : throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed: {result.Error}");
    }
}
