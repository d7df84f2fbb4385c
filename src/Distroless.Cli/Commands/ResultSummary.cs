using Distroless.Building;

namespace Distroless.Cli.Commands;

/// <summary>The lines a command that produced an image ends with: what it is and where it went.</summary>
internal static class ResultSummary
{
    public static void Write(TextWriter output, BuildResult result)
    {
        var platforms = result.Index is null ? "" : $" [{string.Join(", ", result.Images.Select(i => i.Config.Platform))}]";
        output.WriteLine($"{string.Join(", ", result.References)} ({result.Digest}){platforms}");
        if (result.ArchivePath is { } archive)
        {
            output.WriteLine($"  written to {archive}  [load it: podman load -i {Quote(archive)}]");
        }

        if (result.Push is { } push)
        {
            output.WriteLine($"  pushed: {push}");
        }

        if (result.LoadedInto is { } engine)
        {
            output.WriteLine($"  loaded into {engine}");
        }

        if (result.Signed is { } signed)
        {
            output.WriteLine($"  signed with the {signed}");
        }

        foreach (var repaired in result.RepairedCacheEntries)
        {
            output.WriteLine($"  repaired: the damaged cache entry {repaired} was rebuilt (DSTL4010)");
        }
    }

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;
}
