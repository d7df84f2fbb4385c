using System.Text;
using System.Text.Json;

namespace Distroless.RegistryTests.Infrastructure;

/// <summary>One invocation of the fake credential helper: its command ("get", "store", …) and standard input.</summary>
public sealed record CredentialHelperCall(string Command, string Input);

/// <summary>
/// A fake docker credential helper, <c>docker-credential-NAME</c> (a bash script in its own
/// directory: put <see cref="Directory"/> first on PATH), speaking the docker-credential-helpers
/// protocol: <c>get</c> reads a server URL from stdin and prints
/// {"ServerURL","Username","Secret"} for a configured registry, or prints "credentials not found
/// in native keychain" and exits 1; <c>store</c>/<c>erase</c> succeed and change nothing;
/// <c>list</c> prints the configured servers. Every invocation is logged (<see cref="Calls"/>).
/// A user name of "&lt;token&gt;" makes the secret an identity token, as docker means it.
/// </summary>
public sealed class CredentialHelperScript
{
    public const string NotFoundMessage = "credentials not found in native keychain";

    private CredentialHelperScript(string name, string directory)
    {
        Name = name;
        Directory = directory;
    }

    /// <summary>The helper name: the value of credsStore / credHelpers entries.</summary>
    public string Name { get; }

    /// <summary>The directory holding only the script.</summary>
    public string Directory { get; }

    public string ExecutablePath => Path.Combine(Directory, "docker-credential-" + Name);

    /// <summary>One line per invocation: command, a tab, standard input with newlines as "\n".</summary>
    public string LogPath => Path.Combine(Directory, "calls.log");

    /// <summary>
    /// Writes the helper into a fresh subdirectory of <paramref name="parentDirectory"/>.
    /// <paramref name="credentials"/> maps a registry ("127.0.0.1:5000"; the helper also accepts
    /// it with an http:// or https:// prefix and a trailing slash) to the user and secret to answer.
    /// </summary>
    public static CredentialHelperScript Create(string parentDirectory,
        IReadOnlyDictionary<string, (string Username, string Secret)> credentials, string name = "test")
    {
        var directory = Path.Combine(parentDirectory, "credential-helper-" + name);
        System.IO.Directory.CreateDirectory(directory);
        var helper = new CredentialHelperScript(name, directory);
        File.WriteAllText(helper.LogPath, "");
        File.WriteAllText(helper.ExecutablePath, helper.Script(credentials));
        File.SetUnixFileMode(helper.ExecutablePath,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return helper;
    }

    /// <summary>The invocations so far.</summary>
    public IReadOnlyList<CredentialHelperCall> Calls() => File.ReadAllLines(LogPath)
        .Where(l => l.Length > 0)
        .Select(l => l.Split('\t', 2))
        .Select(p => new CredentialHelperCall(p[0], p.Length > 1 ? p[1].Replace("\\n", "\n", StringComparison.Ordinal) : ""))
        .ToList();

    /// <summary>PATH with <see cref="Directory"/> first, for child processes that must find the helper.</summary>
    public string PathWithHelper() => Directory + Path.PathSeparator + (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin");

    private string Script(IReadOnlyDictionary<string, (string Username, string Secret)> credentials)
    {
        static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        var script = new StringBuilder()
            .Append("#!/bin/bash\n")
            .Append("# Fake docker credential helper written by Distroless.RegistryTests.\n")
            .Append($"log={Quote(LogPath)}\n")
            .Append("command=\"${1:-}\"\n")
            .Append("input=\"$(cat)\"\n")
            .Append("printf '%s\\t%s\\n' \"$command\" \"${input//$'\\n'/\\\\n}\" >> \"$log\"\n")
            .Append("server=\"${input#http://}\"\n")
            .Append("server=\"${server#https://}\"\n")
            .Append("server=\"${server%/}\"\n")
            .Append("case \"$command\" in\n")
            .Append("  get)\n")
            .Append("    case \"$server\" in\n");
        foreach (var (registry, (username, secret)) in credentials)
        {
            var host = registry.Replace("https://", "", StringComparison.Ordinal).Replace("http://", "", StringComparison.Ordinal).TrimEnd('/');
            var json = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["ServerURL"] = registry,
                ["Username"] = username,
                ["Secret"] = secret,
            });
            script.Append($"      {Quote(host)}) printf '%s\\n' {Quote(json)}; exit 0 ;;\n");
        }

        var list = JsonSerializer.Serialize(credentials.ToDictionary(c => c.Key, c => c.Value.Username));
        script.Append("    esac\n")
            .Append($"    echo '{NotFoundMessage}'; exit 1 ;;\n")
            .Append("  store|erase) exit 0 ;;\n")
            .Append($"  list) printf '%s\\n' {Quote(list)}; exit 0 ;;\n")
            .Append("  *) echo \"unknown credential helper command: $command\" >&2; exit 1 ;;\n")
            .Append("esac\n");
        return script.ToString();
    }
}
