namespace Distroless.Diagnostics;

/// <summary>Diagnostics that do not stop a build: something asked for is not done, and why.</summary>
public static class Warnings
{
    public static Diagnostic PropertyIgnored(string property, string value, string reason) => new(
        DiagnosticCodes.PropertyIgnored,
        $"{property}=\"{value}\" is ignored: {reason}.",
        $"Remove {property} to silence this warning.");
}
