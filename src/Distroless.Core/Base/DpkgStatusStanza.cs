using System.Text;

namespace Distroless.Base;

/// <summary>
/// A package's record in <c>/var/lib/dpkg/status.d/</c>: its control file with the
/// <c>Status: install ok installed</c> line dpkg itself writes second. dpkg-query and most
/// scanners skip a record without it (Trivy tolerates the absence; others do not).
/// </summary>
public static class DpkgStatusStanza
{
    private static readonly byte[] StatusLine = "Status: install ok installed\n"u8.ToArray();

    public static byte[] FromControl(byte[] control)
    {
        var text = Encoding.UTF8.GetString(control);
        if (text.StartsWith("Status:", StringComparison.Ordinal) || text.Contains("\nStatus:", StringComparison.Ordinal))
        {
            return control;
        }

        // After the Package line (the first field of a control file), as dpkg orders it.
        var endOfFirstLine = Array.IndexOf(control, (byte)'\n');
        if (endOfFirstLine < 0)
        {
            return [.. control, (byte)'\n', .. StatusLine];
        }

        return [.. control.AsSpan(0, endOfFirstLine + 1), .. StatusLine, .. control.AsSpan(endOfFirstLine + 1)];
    }
}
