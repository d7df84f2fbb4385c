using Distroless.Diagnostics;

namespace Distroless.Cli.Commands;

/// <summary>Tells an archive path from a registry reference where a command takes either.</summary>
internal static class ImageSource
{
    /// <summary>
    /// The archive's full path when <paramref name="text"/> is an existing file; the text itself when
    /// it is a registry reference. Something that can only be a path (a .tar name, ./, /) but does
    /// not exist is an error here, not an image looked up on Docker Hub.
    /// </summary>
    public static string Resolve(string text)
    {
        if (text.StartsWith('-'))
        {
            throw new UsageException($"unknown option {text}.");
        }

        if (File.Exists(text))
        {
            // A damaged or foreign file is the core's to report (DSTL4004), as it reads the archive.
            return Path.GetFullPath(text);
        }

        if (LooksLikePath(text))
        {
            throw Errors.SourceImageUnusable(Path.GetFullPath(text),
                Directory.Exists(text) ? "it is a directory, not an image archive" : "the file does not exist");
        }

        return text;
    }

    private static bool LooksLikePath(string text)
        => text.StartsWith('/') || text.StartsWith('.') || text.StartsWith('~')
            || text.EndsWith(".tar", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase)
            || Directory.Exists(text);
}
