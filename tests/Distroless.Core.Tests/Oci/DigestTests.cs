using System.Text;
using Distroless.Oci;

namespace Distroless.Core.Tests.Oci;

[Parallelizable(ParallelScope.All)]
public sealed class DigestTests
{
    // SHA-256 of the empty string and of "abc" (FIPS 180-2 test vector).
    private const string EmptyHex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string AbcHex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Test]
    public void Parse_accepts_a_lowercase_sha256_digest()
    {
        var digest = Digest.Parse("sha256:" + EmptyHex);

        Assert.Multiple(() =>
        {
            Assert.That(digest.Hex, Is.EqualTo(EmptyHex));
            Assert.That(digest.Algorithm, Is.EqualTo("sha256"));
            Assert.That(digest.ToString(), Is.EqualTo("sha256:" + EmptyHex));
            Assert.That(digest.Short, Is.EqualTo("e3b0c44298fc"));
        });
    }

    [TestCase(null, TestName = "null")]
    [TestCase("", TestName = "empty")]
    [TestCase(EmptyHex, TestName = "hex without algorithm")]
    [TestCase("sha512:" + EmptyHex, TestName = "other algorithm")]
    [TestCase("SHA256:" + EmptyHex, TestName = "uppercase algorithm")]
    [TestCase("sha256:" + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85", TestName = "63 hex digits")]
    [TestCase("sha256:" + EmptyHex + "0", TestName = "65 hex digits")]
    [TestCase("sha256:" + "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", TestName = "non-hex digit")]
    [TestCase("sha256: " + "3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", TestName = "space after colon")]
    [TestCase(" sha256:" + EmptyHex, TestName = "leading space")]
    public void TryParse_rejects_bad_input(string? input)
    {
        Assert.Multiple(() =>
        {
            Assert.That(Digest.TryParse(input, out var digest), Is.False);
            Assert.That(digest, Is.EqualTo(default(Digest)));
        });
        if (input is not null)
        {
            Assert.That(() => Digest.Parse(input), Throws.TypeOf<FormatException>());
        }
    }

    [Test]
    public void FromHex_accepts_uppercase_as_Debian_writes_it_and_normalizes_to_lowercase()
    {
        var digest = Digest.FromHex(AbcHex.ToUpperInvariant());

        Assert.That(digest.ToString(), Is.EqualTo("sha256:" + AbcHex));
        Assert.That(digest, Is.EqualTo(Digest.FromHex(AbcHex)));
    }

    [TestCase("", TestName = "empty hex")]
    [TestCase("abc", TestName = "short hex")]
    [TestCase("sha256:" + AbcHex, TestName = "prefixed hex")]
    public void FromHex_rejects_bad_input(string hex)
        => Assert.That(() => Digest.FromHex(hex), Throws.TypeOf<FormatException>());

    [Test]
    public void Compute_matches_known_vectors_for_bytes_and_streams()
    {
        var abc = Encoding.ASCII.GetBytes("abc");

        Assert.Multiple(() =>
        {
            Assert.That(Digest.Compute([]).Hex, Is.EqualTo(EmptyHex));
            Assert.That(Digest.Compute(abc).Hex, Is.EqualTo(AbcHex));
            Assert.That(Digest.Compute(new MemoryStream(abc)).Hex, Is.EqualTo(AbcHex));
        });
    }

    [Test]
    public async Task ComputeAsync_matches_Compute()
    {
        var data = new byte[100_000];
        new Random(42).NextBytes(data);

        var digest = await Digest.ComputeAsync(new MemoryStream(data));

        Assert.That(digest, Is.EqualTo(Digest.Compute(data)));
    }

    [Test]
    public void Digests_with_the_same_hex_are_equal_and_hash_alike()
    {
        var a = Digest.Parse("sha256:" + AbcHex);
        var b = Digest.FromHex(AbcHex.ToUpperInvariant());

        Assert.Multiple(() =>
        {
            Assert.That(a, Is.EqualTo(b));
            Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
            Assert.That(a, Is.Not.EqualTo(Digest.FromHex(EmptyHex)));
        });
    }
}
