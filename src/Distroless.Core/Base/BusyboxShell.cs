using System.Formats.Tar;
using Distroless.Layers;

namespace Distroless.Base;

/// <summary>
/// The debug variant's shell (DistrolessDebug): Debian's statically linked busybox at
/// <c>/busybox/busybox</c> with a link per common applet, and <c>/busybox</c> on PATH, like
/// distroless's :debug images. Never part of a normal image.
/// </summary>
public static class BusyboxShell
{
    public const string PackageName = "busybox-static";
    public const string Directory = "busybox";

    /// <summary>Applets linked in /busybox: a shell and the tools one reaches for when debugging.</summary>
    private static readonly string[] Applets =
    [
        "ash", "awk", "base64", "cat", "chmod", "cp", "cut", "date", "df", "dirname", "du", "echo", "env", "false", "find",
        "free", "grep", "gunzip", "gzip", "head", "hostname", "id", "ifconfig", "ip", "kill", "less", "ln", "ls", "mkdir",
        "more", "mv", "netstat", "nslookup", "ping", "printenv", "printf", "ps", "pwd", "readlink", "rm", "sed", "sh",
        "sleep", "sort", "stat", "tail", "tar", "tee", "test", "top", "touch", "tr", "true", "uname", "uniq", "vi", "wc",
        "wget", "which", "whoami", "xargs", "zcat",
    ];

    public static bool IsBinary(string path) => path is "bin/busybox" or "usr/bin/busybox";

    public static void Write(LayerWriter layer, TarEntry binary)
    {
        layer.AddDirectory(Directory, 0x1ed, 0);
        layer.AddFile($"{Directory}/busybox", 0x1ed, binary.ModificationTime.ToUnixTimeSeconds(), binary.DataStream ?? Stream.Null, binary.Length);
    }

    public static void WriteApplets(LayerWriter layer)
    {
        foreach (var applet in Applets)
        {
            layer.AddSymlink($"{Directory}/{applet}", "busybox", 0);
        }
    }
}
