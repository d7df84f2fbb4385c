using System.Text;
using Distroless.Debian;
using Distroless.Testing;

namespace Distroless.Core.Tests.Debian;

[Parallelizable(ParallelScope.All)]
public sealed class ClearSignedMessageTests
{
    private static string Signed => TestKeys.Stable.ClearSign(ReleaseSamples.Body, signedAt: ReleaseSamples.SignedAt);

    [Test]
    public void The_signer_dash_escapes_lines_that_start_with_a_dash()
    {
        Assert.That(Signed, Does.Contain("\n- -dashed: a line").And.StartWith("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"));
    }

    [Test]
    public void Parse_returns_the_lines_unescaped_and_the_armored_signature()
    {
        var message = ClearSignedMessage.Parse(Signed);

        Assert.Multiple(() =>
        {
            Assert.That(message.Text, Is.EqualTo(ReleaseSamples.Body));
            Assert.That(message.Lines, Does.Contain("-dashed: a line that starts with a dash"));
            Assert.That(message.ArmoredSignature, Does.StartWith("-----BEGIN PGP SIGNATURE-----\n"));
            Assert.That(message.ArmoredSignature.TrimEnd(), Does.EndWith("-----END PGP SIGNATURE-----"));
        });
    }

    [Test]
    public void SignedBytes_are_CRLF_joined_without_trailing_whitespace_or_final_line_end()
    {
        var message = ClearSignedMessage.Parse("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nA: 1 \t\n- -B\n\nC\n" +
            "-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n");

        Assert.That(Encoding.UTF8.GetString(message.SignedBytes()), Is.EqualTo("A: 1\r\n-B\r\n\r\nC"));
    }

    [Test]
    public void CRLF_files_parse_like_LF_files()
    {
        var lf = ClearSignedMessage.Parse(Signed);
        var crlf = ClearSignedMessage.Parse(Signed.Replace("\n", "\r\n", StringComparison.Ordinal));

        Assert.That(crlf.SignedBytes(), Is.EqualTo(lf.SignedBytes()));
        Assert.That(crlf.Text, Is.EqualTo(lf.Text));
    }

    [Test]
    public void Leading_blank_lines_are_skipped()
        => Assert.That(ClearSignedMessage.Parse("\n\n" + Signed).Text, Is.EqualTo(ReleaseSamples.Body));

    private static IEnumerable<TestCaseData> Malformed()
    {
        var signed = TestKeys.Stable.ClearSign(ReleaseSamples.Body, signedAt: ReleaseSamples.SignedAt);
        var signatureAt = signed.IndexOf("-----BEGIN PGP SIGNATURE-----", StringComparison.Ordinal);
        var endAt = signed.IndexOf("-----END PGP SIGNATURE-----", StringComparison.Ordinal);
        yield return new TestCaseData(ReleaseSamples.Body).SetName("not clear-signed at all");
        yield return new TestCaseData("garbage\n" + signed).SetName("text before the BEGIN line");
        yield return new TestCaseData(signed.Replace("Hash: SHA256", "Hash: SHA256\nComment: hi", StringComparison.Ordinal))
            .SetName("armor header other than Hash");
        yield return new TestCaseData(signed.Replace("- -dashed", "-dashed", StringComparison.Ordinal))
            .SetName("unescaped dash line in the text");
        yield return new TestCaseData(signed[..signatureAt]).SetName("no signature");
        yield return new TestCaseData(signed[..endAt]).SetName("unterminated signature");
        yield return new TestCaseData(signed + "Origin: Evil\n").SetName("data after the signature");
        yield return new TestCaseData(signed + signed).SetName("a second message after the first");
    }

    [TestCaseSource(nameof(Malformed))]
    public void Malformed_messages_are_rejected(string content)
        => Assert.That(() => ClearSignedMessage.Parse(content), Throws.TypeOf<FormatException>());

    [Test]
    public void Whitespace_after_the_signature_is_allowed()
        => Assert.That(ClearSignedMessage.Parse(Signed + "\n  \n").Text, Is.EqualTo(ReleaseSamples.Body));
}
