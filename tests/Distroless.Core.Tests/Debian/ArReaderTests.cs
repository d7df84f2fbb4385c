using System.Text;
using Distroless.Debian;
using Distroless.Testing;

namespace Distroless.Core.Tests.Debian;

[Parallelizable(ParallelScope.All)]
public sealed class ArReaderTests
{
    private static readonly byte[] Archive = ArWriter.Write(
    [
        ("debian-binary", "2.0\n"u8.ToArray()),
        ("odd", "abc"u8.ToArray()),
        ("empty", []),
        ("gnu-style/", "xy"u8.ToArray()),
    ], mtime: 1_700_000_000);

    private static IEnumerable<TestCaseData> Streams()
    {
        yield return new TestCaseData((Func<byte[], Stream>)(b => new MemoryStream(b))).SetName("{m}(seekable)");
        yield return new TestCaseData((Func<byte[], Stream>)(b => new ForwardOnlyStream(b, maxRead: 3))).SetName("{m}(forward-only, short reads)");
    }

    private static List<(string Name, long Size, string Content)> ReadAll(Stream stream)
    {
        var ar = new ArReader(stream);
        var members = new List<(string, long, string)>();
        while (ar.Next() is { } member)
        {
            using var reader = new StreamReader(ar.OpenMember(), Encoding.ASCII);
            members.Add((member.Name, member.Size, reader.ReadToEnd()));
        }

        return members;
    }

    [TestCaseSource(nameof(Streams))]
    public void Members_are_read_in_order_with_padding_skipped(Func<byte[], Stream> open)
    {
        var members = ReadAll(open(Archive));

        Assert.That(members, Is.EqualTo(new[]
        {
            ("debian-binary", 4L, "2.0\n"),
            ("odd", 3L, "abc"),
            ("empty", 0L, ""),
            ("gnu-style", 2L, "xy"),
        }));
    }

    [TestCaseSource(nameof(Streams))]
    public void Unread_and_partly_read_members_are_skipped(Func<byte[], Stream> open)
    {
        var ar = new ArReader(open(Archive));
        var names = new List<string>();
        while (ar.Next() is { } member)
        {
            names.Add(member.Name);
            if (member.Name == "debian-binary")
            {
                ar.OpenMember().ReadByte();
            }
        }

        Assert.That(names, Is.EqualTo(new[] { "debian-binary", "odd", "empty", "gnu-style" }));
    }

    [Test]
    public void A_member_stream_ends_at_the_member_end()
    {
        var ar = new ArReader(new MemoryStream(Archive));
        ar.Next();
        var buffer = new byte[100];

        Assert.That(ar.OpenMember().Read(buffer, 0, buffer.Length), Is.EqualTo(4));
        Assert.That(ar.OpenMember().Read(buffer, 0, buffer.Length), Is.Zero);
    }

    [TestCase("", TestName = "empty file")]
    [TestCase("!<arch", TestName = "short magic")]
    [TestCase("!<arch>\r", TestName = "wrong magic byte")]
    [TestCase("PK\u0003\u0004xxxx", TestName = "a zip file")]
    public void Bad_magic_is_rejected(string content)
        => Assert.That(() => new ArReader(new MemoryStream(Encoding.Latin1.GetBytes(content))), Throws.TypeOf<InvalidDataException>());

    [Test]
    public void A_truncated_header_is_rejected()
    {
        var ar = new ArReader(new MemoryStream(Archive[..(8 + 30)]));

        Assert.That(() => ar.Next(), Throws.TypeOf<InvalidDataException>().With.Message.Contains("truncated"));
    }

    [Test]
    public void A_bad_header_terminator_is_rejected()
    {
        var bytes = Archive.ToArray();
        bytes[8 + 58] = (byte)'x';

        Assert.That(() => new ArReader(new MemoryStream(bytes)).Next(), Throws.TypeOf<InvalidDataException>());
    }

    [Test]
    public void A_non_numeric_size_is_rejected()
    {
        var bytes = Archive.ToArray();
        bytes[8 + 48] = (byte)'z';

        Assert.That(() => new ArReader(new MemoryStream(bytes)).Next(), Throws.TypeOf<InvalidDataException>().With.Message.Contains("size"));
    }

    [TestCaseSource(nameof(Streams))]
    public void A_member_truncated_while_read_is_rejected(Func<byte[], Stream> open)
    {
        var ar = new ArReader(open(Archive[..(8 + 60 + 2)]));
        ar.Next();

        Assert.That(() => ar.OpenMember().CopyTo(Stream.Null), Throws.TypeOf<InvalidDataException>());
    }

    [TestCaseSource(nameof(Streams))]
    public void A_member_truncated_while_skipped_is_rejected(Func<byte[], Stream> open)
    {
        var ar = new ArReader(open(Archive[..(8 + 60 + 2)]));
        ar.Next();

        Assert.That(() => ar.Next(), Throws.TypeOf<InvalidDataException>().With.Message.Contains("truncated"));
    }
}
