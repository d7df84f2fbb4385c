namespace Distroless.App;

/// <summary>What kind of app a publish is, as far as the image needs to know.</summary>
public static class AppKind
{
    public const string AspNetCore = "Microsoft.AspNetCore.App";

    /// <summary>
    /// An ASP.NET Core app: it runs on the ASP.NET Core shared framework (its runtimeconfig names
    /// it) or carries it (a self-contained .deps.json lists its runtime pack).
    /// </summary>
    public static bool IsWebApp(IReadOnlyList<(string Name, string Version)> frameworks, DepsJson? deps)
        => frameworks.Any(f => f.Name == AspNetCore)
            || (deps?.Libraries.Any(l => l.StartsWith($"runtimepack.{AspNetCore}.Runtime.", StringComparison.Ordinal)) ?? false);
}
