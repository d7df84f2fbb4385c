using Distroless.Diagnostics;

namespace Distroless.Cli;

/// <summary>
/// The problems only the command line has, under the codes the core documents, with fixes that
/// name command-line options instead of MSBuild properties.
/// </summary>
internal static class CliErrors
{
    public static DistrolessException NoMirror(string which, string option, string variable) => new(new Diagnostic(
        DiagnosticCodes.NoDebianMirror,
        $"no Debian {which} mirror is configured.",
        $"Pass {option} http://<mirror>/{(which == "security" ? "debian-security" : "debian")}, set {variable}, " +
        "or list the mirror in /etc/apt/sources.list.d/."));

    public static DistrolessException UnreadablePlan(string path, string reason, Exception? inner = null) => new(new Diagnostic(
        DiagnosticCodes.InvalidProperty,
        $"the plan file \"{path}\" cannot be used: {reason}.",
        "Pass the distroless.plan.json a publish wrote (obj/<configuration>/<tfm>/<rid>/distroless.plan.json, " +
        "written by dotnet publish -p:PublishDistroless=true), unchanged or edited as valid JSON."), inner);
}
