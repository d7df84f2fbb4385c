namespace Distroless.Diagnostics;

/// <summary>
/// The one exception type the core throws for problems a user can act on. Anything else that
/// escapes the core is a bug and is reported as <see cref="DiagnosticCodes.InternalError"/>.
/// </summary>
public sealed class DistrolessException : Exception
{
    public DistrolessException(Diagnostic diagnostic, Exception? inner = null)
        : base(diagnostic.ToString(), inner)
    {
        Diagnostic = diagnostic;
    }

    public Diagnostic Diagnostic { get; }

    public string Code => Diagnostic.Code;
}
