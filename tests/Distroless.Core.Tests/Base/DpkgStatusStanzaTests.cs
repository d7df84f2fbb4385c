using System.Text;
using Distroless.Base;

namespace Distroless.Core.Tests.Base;

[Parallelizable(ParallelScope.All)]
public sealed class DpkgStatusStanzaTests
{
    private static string Stanza(string control) => Encoding.UTF8.GetString(DpkgStatusStanza.FromControl(Encoding.UTF8.GetBytes(control)));

    [Test]
    public void The_status_line_goes_second_as_dpkg_writes_it()
        => Assert.That(Stanza("Package: libc6\nVersion: 2.36\nArchitecture: amd64\n"),
            Is.EqualTo("Package: libc6\nStatus: install ok installed\nVersion: 2.36\nArchitecture: amd64\n"));

    [Test]
    public void A_control_file_that_has_one_keeps_it()
        => Assert.That(Stanza("Package: x\nStatus: install ok installed\nVersion: 1\n"), Is.EqualTo("Package: x\nStatus: install ok installed\nVersion: 1\n"));

    [Test]
    public void A_control_file_without_a_final_newline_gets_one_before_the_status()
        => Assert.That(Stanza("Package: x"), Is.EqualTo("Package: x\nStatus: install ok installed\n"));
}
