using System.Diagnostics;

namespace Distroless.Testing;

/// <summary>The result of running a program: exit code, standard output bytes and standard error text.</summary>
public sealed record ToolResult(int ExitCode, byte[] Output, string Error)
{
    public string OutputText => System.Text.Encoding.UTF8.GetString(Output);
}

/// <summary>
/// Runs a command-line tool (xz, gzip, tar, dpkg, gpgv) for cross-checks. Tests that use one
/// ask <see cref="Exists"/> first and skip when it is missing, so no suite depends on it.
/// </summary>
public static class ExternalTool
{
    /// <summary>Whether <paramref name="name"/> is an executable file on PATH.</summary>
    public static bool Exists(string name) => Find(name) is not null;

    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Runs <paramref name="name"/> with <paramref name="arguments"/>, feeding <paramref name="input"/> to its standard input.</summary>
    public static ToolResult Run(string name, IEnumerable<string> arguments, byte[]? input = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(Find(name) ?? throw new FileNotFoundException($"{name} is not on PATH"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A fixed locale keeps tool output (dates, messages) the same on every machine.
        start.Environment["LC_ALL"] = "C";
        start.Environment["TZ"] = "UTC";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {name}");
        var output = new MemoryStream();
        var readOutput = process.StandardOutput.BaseStream.CopyToAsync(output);
        var readError = process.StandardError.ReadToEndAsync();
        var writeInput = Task.Run(() =>
        {
            using var stdin = process.StandardInput.BaseStream;
            if (input is not null)
            {
                stdin.Write(input);
            }
        });
        Task.WaitAll(readOutput, readError, writeInput);
        process.WaitForExit();
        return new ToolResult(process.ExitCode, output.ToArray(), readError.Result);
    }

    /// <summary>Like <see cref="Run"/>, but throws unless the tool exits with 0.</summary>
    public static byte[] RunChecked(string name, IEnumerable<string> arguments, byte[]? input = null, string? workingDirectory = null)
    {
        var result = Run(name, arguments, input, workingDirectory);
        return result.ExitCode == 0
            ? result.Output
            : throw new InvalidOperationException($"{name} exited with {result.ExitCode}: {result.Error}");
    }
}
