using System.Text;

namespace Distroless.Base;

/// <summary>
/// Finds which libraries a Native AOT binary may load at run time. .NET's native shims open
/// OpenSSL and ICU with dlopen, so they are not in DT_NEEDED; the linker keeps the shim (and the
/// library names it tries) only when the app uses it. A name in the binary is the evidence.
/// </summary>
public static class NativeDependencyScanner
{
    private static readonly byte[] Ssl = Encoding.ASCII.GetBytes("libssl.so");
    private static readonly byte[] Icu = Encoding.ASCII.GetBytes("libicuuc.so");

    public static (bool Ssl, bool Icu) Scan(IEnumerable<string> binaries)
    {
        bool ssl = false, icu = false;
        foreach (var path in binaries)
        {
            var content = File.ReadAllBytes(path);
            ssl |= content.AsSpan().IndexOf(Ssl) >= 0;
            icu |= content.AsSpan().IndexOf(Icu) >= 0;
        }

        return (ssl, icu);
    }
}
