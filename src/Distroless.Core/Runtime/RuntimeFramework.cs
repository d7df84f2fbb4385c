namespace Distroless.Runtime;

/// <summary>
/// A shared framework a framework-dependent app runs on (Microsoft.NETCore.App,
/// Microsoft.AspNetCore.App) at an exact version, and the runtime pack that carries it for a RID.
/// </summary>
public sealed record RuntimeFramework(string Name, string Version)
{
    /// <summary>The NuGet runtime pack, e.g. Microsoft.NETCore.App.Runtime.linux-x64.</summary>
    public string PackId(string runtimeIdentifier) => $"{Name}.Runtime.{runtimeIdentifier}";

    public override string ToString() => $"{Name} {Version}";
}
