using Distroless.Diagnostics;

namespace Distroless.Cli;

/// <summary>
/// The problems only the command line has, under the codes the core documents. The core's own
/// diagnostics name settings that <see cref="CliSettings"/> spells as options.
/// </summary>
internal static class CliErrors
{
    public static DistrolessException UnreadablePlan(string path, string reason, Exception? inner = null) => new(new Diagnostic(
        DiagnosticCodes.InvalidProperty,
        $"the plan file \"{path}\" cannot be used: {reason}.",
        "Pass the distroless.plan.json a publish wrote (obj/<configuration>/<tfm>/<rid>/distroless.plan.json, " +
        "written by dotnet publish -p:PublishDistroless=true), unchanged or edited as valid JSON."), inner);
}
