using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Distroless.Cli.Output;

namespace Distroless.Cli.Inspection;

/// <summary>Writes an <see cref="InspectionReport"/> for people (aligned text) or for programs (JSON).</summary>
internal static class InspectionText
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteJson(TextWriter output, InspectionReport report)
        => output.WriteLine(JsonSerializer.Serialize(report, Json).Replace("\r\n", "\n", StringComparison.Ordinal));

    public static void Write(TextWriter output, InspectionReport report)
    {
        var kind = report.Images.Length > 1 ? $"image index, {report.Images.Length} platforms" : "image";
        output.WriteLine($"{report.Source}: {kind} {report.Digest}");
        foreach (var image in report.Images)
        {
            output.WriteLine();
            output.WriteLine($"{image.Platform}  {image.Digest}  ({ProgressDisplay.Size(image.CompressedSize)} compressed)");
            var config = image.Config;
            Field(output, "config", image.ConfigDigest);
            Field(output, "created", config.Created);
            Field(output, "user", config.User ?? "(root)");
            Field(output, "entrypoint", config.Entrypoint.IsEmpty ? "(none)" : JsonSerializer.Serialize(config.Entrypoint, Compact));
            if (!config.Cmd.IsEmpty)
            {
                Field(output, "cmd", JsonSerializer.Serialize(config.Cmd, Compact));
            }

            Field(output, "workdir", config.WorkingDir ?? "/");
            Lines(output, "env", config.Env);
            Lines(output, "labels", config.Labels.Select(l => $"{l.Key}={l.Value}"));
            Lines(output, "ports", config.ExposedPorts);

            output.WriteLine($"  layers ({image.Layers.Length}):");
            foreach (var layer in image.Layers)
            {
                output.WriteLine($"    {layer.Digest[..Math.Min(layer.Digest.Length, 19)]}  {ProgressDisplay.Size(layer.Size),9}  {layer.CreatedBy}");
            }

            if (image.Packages.IsEmpty)
            {
                output.WriteLine("  packages: none found in /var/lib/dpkg");
            }
            else
            {
                output.WriteLine($"  packages ({image.Packages.Length}):");
                var width = image.Packages.Max(p => p.Name.Length);
                var versionWidth = image.Packages.Max(p => p.Version.Length);
                foreach (var package in image.Packages)
                {
                    output.WriteLine($"    {package.Name.PadRight(width)}  {package.Version.PadRight(versionWidth)}  {package.Architecture}".TrimEnd());
                }
            }

            if (!image.NativeDependencies.IsEmpty)
            {
                output.WriteLine($"  native dependencies ({image.NativeDependencies.Length}, added to the base for the app's native code):");
                var width = image.NativeDependencies.Max(n => n.SoName.Length);
                var packageWidth = image.NativeDependencies.Max(n => (n.Package ?? "(none ships it)").Length);
                foreach (var native in image.NativeDependencies)
                {
                    output.WriteLine($"    {native.SoName.PadRight(width)}  {(native.Package ?? "(none ships it)").PadRight(packageWidth)}  needed by {string.Join(", ", native.NeededBy)}");
                }
            }

            Sboms(output, "  ", image.Sboms);
            Attestations(output, image.Attestations);
        }

        if (!report.Sboms.IsEmpty)
        {
            output.WriteLine();
            Sboms(output, "", report.Sboms);
        }

        if (!report.Attestations.IsEmpty)
        {
            output.WriteLine();
            output.WriteLine($"index  {report.Digest}");
            Attestations(output, report.Attestations);
        }
    }

    /// <summary>The bundles attached to a manifest, as they describe themselves (`distroless verify` checks them).</summary>
    private static void Attestations(TextWriter output, IReadOnlyList<AttestationReport> attestations)
    {
        output.WriteLine(attestations.Count == 0 ? "  signatures: none" : $"  signatures and attestations ({attestations.Count}):");
        foreach (var attestation in attestations)
        {
            var key = attestation.KeyHint is null ? "" : $"  key {attestation.KeyHint}";
            output.WriteLine($"    {attestation.Kind,-11} {attestation.Digest[..Math.Min(attestation.Digest.Length, 19)]}  " +
                $"{ProgressDisplay.Size(attestation.Size)}  {attestation.PredicateType}{key}");
        }
    }

    private static void Sboms(TextWriter output, string indent, IReadOnlyList<SbomReport> sboms)
    {
        if (sboms.Count == 0)
        {
            return;
        }

        output.WriteLine($"{indent}sboms ({sboms.Count}):");
        foreach (var sbom in sboms)
        {
            var where = sbom.Digest ?? sbom.Name;
            var about = sbom.Subject is null ? "" : $"  for {sbom.Subject[..Math.Min(sbom.Subject.Length, 19)]}";
            var name = sbom.Digest is not null && sbom.Name is not null ? $"  {sbom.Name}" : "";
            output.WriteLine($"{indent}  {sbom.MediaType}  {where}  {ProgressDisplay.Size(sbom.Size)}{name}{about}");
        }
    }

    private static void Field(TextWriter output, string name, string value) => output.WriteLine($"  {name,-11}{value}");

    private static void Lines(TextWriter output, string name, IEnumerable<string> values)
    {
        var first = true;
        foreach (var value in values)
        {
            Field(output, first ? name : "", value);
            first = false;
        }
    }
}
