using System.Text.Json;
using Distroless.Building;

namespace Distroless.Cli.Commands;

/// <summary>Reads distroless.plan.json files (as the MSBuild task writes them) into the core's request model.</summary>
internal static class PlanFiles
{
    public static IReadOnlyList<ImagePlan> Read(IEnumerable<string> paths) => paths.Select(Read).ToList();

    public static ImagePlan Read(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliErrors.UnreadablePlan(path, e is FileNotFoundException or DirectoryNotFoundException ? "the file does not exist" : e.Message, e);
        }

        try
        {
            return ImagePlan.FromJson(json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw CliErrors.UnreadablePlan(path, $"it is not a plan ({e.Message})", e);
        }
    }

    /// <summary>The global options win over what the plan's machine wrote: cache, mirrors, insecure registries.</summary>
    public static ImagePlan WithHostSettings(ImagePlan plan, CommandSession session)
    {
        var (mirror, security) = HostDefaults.ResolveMirrors(
            session.ExplicitMirror ?? NonEmpty(plan.Base.Mirror), session.ExplicitSecurityMirror ?? NonEmpty(plan.Base.SecurityMirror),
            plan.Base.Suite, session.Host.Environment, session.Host.AptDirectory);
        return plan with
        {
            CacheDirectory = session.ExplicitCacheDirectory ?? plan.CacheDirectory,
            Base = plan.Base with { Mirror = mirror, SecurityMirror = security },
            RegistrySettings = session.RegistrySettings(plan.RegistrySettings),
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
