using Distroless.Base;
using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Distroless.IO;

namespace Distroless.Building;

/// <summary>
/// Skips the image work of a publish that changed nothing, the way MSBuild skips a target whose
/// outputs are newer than its inputs. The fingerprint covers everything the image is made
/// from: the plans (file list, settings, framework versions, mirrors), each published file's
/// size and write time, the lock file's bytes and this tool's build. The outputs must still be
/// where the last build left them, untouched.
/// </summary>
/// <remarks>
/// Only archive-only builds with a lock file qualify. Without a lock the base is whatever the
/// Debian archive serves today, and a registry or an engine may have lost the image since; those
/// builds always run (a push of an unchanged image already costs one HEAD per tag).
/// </remarks>
public static class UpToDateCheck
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Why these plans cannot be skipped, or null when they qualify.</summary>
    public static string? Ineligible(IReadOnlyList<ImagePlan> plans)
    {
        foreach (var plan in plans)
        {
            if (plan.ArchivePath is null || plan.Registry is not null || plan.LocalEngine is not null)
            {
                return "the image goes to a registry or an engine";
            }

            if (plan.Base.LockFile is null || plan.Base.LockMode is LockMode.Update or LockMode.None)
            {
                return "no lock file pins the base";
            }

            if (plan.Base.Image is { } image && !image.Contains("@sha256:", StringComparison.Ordinal))
            {
                return "the base image is a tag, which may move";
            }
        }

        return null;
    }

    /// <summary>The record of the last build when it is still current for these plans, else null.</summary>
    public static BuildRecord? FindCurrent(string recordPath, IReadOnlyList<ImagePlan> plans)
    {
        if (Ineligible(plans) is not null || !File.Exists(recordPath))
        {
            return null;
        }

        BuildRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<BuildRecord>(File.ReadAllText(recordPath), Json);
        }
        catch (JsonException)
        {
            return null; // An unreadable record is no record: build.
        }

        if (record is null || record.Fingerprint != Fingerprint(plans))
        {
            return null;
        }

        return record.Outputs.All(o => File.Exists(o.Path) && Matches(new FileInfo(o.Path), o)) ? record : null;
    }

    /// <summary>Records a finished build (or forgets the last one when this build does not qualify).</summary>
    public static void Record(string recordPath, IReadOnlyList<ImagePlan> plans, BuildResult result)
    {
        if (Ineligible(plans) is not null || result.ArchivePath is null)
        {
            File.Delete(recordPath);
            return;
        }

        var outputs = new[] { result.ArchivePath }.Concat(result.SbomPaths)
            .Select(path => new FileInfo(path))
            .Select(f => new BuildRecord.OutputFile(f.FullName, f.Length, f.LastWriteTimeUtc.Ticks))
            .ToImmutableArray();
        var record = new BuildRecord(Fingerprint(plans), result.Digest.ToString(), result.Image.ImageId.ToString(), result.ArchivePath,
            result.References, outputs);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(recordPath))!);
        AtomicFile.RemoveStale(recordPath);
        AtomicFile.Write(recordPath, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record, Json)));
    }

    /// <summary>SHA-256 over the plans, the published files' sizes and write times, the lock file and this tool's build.</summary>
    public static string Fingerprint(IReadOnlyList<ImagePlan> plans)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));

        // The module version id changes with every change to the tool (builds are deterministic).
        Add(typeof(UpToDateCheck).Assembly.ManifestModule.ModuleVersionId.ToString());
        foreach (var plan in plans)
        {
            Add(plan.ToJson());
            // The signing key by size and write time, like the published files: a new key signs again; its bytes stay out of the record.
            var files = plan.App.Files.Select(f => f.SourcePath)
                .Append(plan.App.DepsJsonPath).Append(plan.App.RuntimeConfigPath).Append(plan.SupplyChain.SigningKey)
                .OfType<string>().Distinct(StringComparer.Ordinal);
            foreach (var path in files)
            {
                var info = new FileInfo(path);
                Add(info.Exists
                    ? string.Create(CultureInfo.InvariantCulture, $"{path} {info.Length} {info.LastWriteTimeUtc.Ticks}")
                    : path + " missing");
            }

            if (plan.Base.LockFile is { } lockFile && File.Exists(lockFile))
            {
                hash.AppendData(File.ReadAllBytes(lockFile));
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    private static bool Matches(FileInfo file, BuildRecord.OutputFile recorded)
        => file.Length == recorded.Size && file.LastWriteTimeUtc.Ticks == recorded.WriteTimeTicks;
}
