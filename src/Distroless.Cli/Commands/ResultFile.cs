using Distroless.Building;
using Distroless.IO;

namespace Distroless.Cli.Commands;

/// <summary>
/// `build --result-file`: the task's outputs (DistrolessImageDigest, DistrolessArchivePath, …) for
/// targets that ran the CLI instead, one "Kind&lt;TAB&gt;value" line each, which MSBuild reads with
/// ReadLinesFromFile. SBOM lines name their format in the kind (SbomFile.spdx), so the targets
/// set Format metadata without parsing paths.
/// </summary>
internal static class ResultFile
{
    public static void Write(string path, ProjectOutputs outputs)
    {
        var lines = new List<string> { $"ImageDigest\t{outputs.ImageDigest}", $"ImageId\t{outputs.ImageId}" };
        if (outputs.ArchiveOutputPath is { } archive)
        {
            lines.Add($"ArchiveOutputPath\t{archive}");
        }

        lines.AddRange(outputs.PushedReferences.Select(reference => $"PushedReference\t{reference}"));
        lines.AddRange(outputs.SbomFiles.Select(sbom => $"SbomFile.{ProjectOutputs.SbomFormat(sbom)}\t{sbom}"));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // Whole or not at all: the targets read it back, and a full disk must not leave half of it.
        AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(string.Concat(lines.Select(line => line + Environment.NewLine))));
    }
}
