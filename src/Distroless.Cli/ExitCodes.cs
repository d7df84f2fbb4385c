namespace Distroless.Cli;

/// <summary>The exit codes of the distroless command (documented in its --help and in the README).</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A reported problem (error DSTLnnnn): build, archive, registry or input file.</summary>
    public const int Failed = 1;

    /// <summary>The command line itself is wrong: unknown command or option, missing or invalid argument.</summary>
    public const int Usage = 2;

    /// <summary>An unexpected error (DSTL9001): a bug.</summary>
    public const int InternalError = 3;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Interrupted = 130;

    public const string Help = """
        Exit codes:
          0    success
          1    a reported problem: error DSTLnnnn (build, archive, registry or input file); see docs/diagnostics.md
          2    bad command-line usage (unknown command or option, missing or invalid argument)
          3    an internal error (DSTL9001): please report it
          130  interrupted (Ctrl+C)
        """;
}
