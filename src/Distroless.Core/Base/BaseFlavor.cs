namespace Distroless.Base;

/// <summary>
/// Which optional parts of a base an app needs. An app on the .NET runtime needs the C++
/// runtime and OpenSSL (and ICU unless invariant); a Native AOT binary needs only what it
/// references: OpenSSL and ICU are loaded with dlopen, so their names in the binary are the
/// evidence (<see cref="NativeDependencyScanner"/>).
/// </summary>
public sealed record BaseFlavor(bool Cpp, bool Ssl, bool Icu)
{
    public static BaseFlavor Runtime(bool invariantGlobalization) => new(Cpp: true, Ssl: true, Icu: !invariantGlobalization);

    public IReadOnlyList<string> PackagesOf(DebianRelease release)
        => [
            .. release.StaticPackages,
            .. release.LibcPackages,
            // ICU is C++ too.
            .. Cpp || Icu ? release.CppPackages : [],
            .. Ssl ? release.SslPackages : [],
            .. Icu ? release.IcuPackages : [],
        ];

    public override string ToString()
        => string.Join("+", new[] { "libc", Cpp || Icu ? "c++" : null, Ssl ? "openssl" : null, Icu ? "icu" : null }.OfType<string>());
}
