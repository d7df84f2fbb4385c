using System.Diagnostics;
using System.Text.Json;
using Distroless.Diagnostics;

namespace Distroless.Registry.Auth;

/// <summary>Runs docker credential helpers (<c>docker-credential-&lt;name&gt; get</c>).</summary>
public interface ICredentialHelperRunner
{
    /// <summary>The helper's credentials for <paramref name="serverUrl"/>, or null when it has none.</summary>
    Task<RegistryCredential?> GetAsync(string helper, string serverUrl, CancellationToken ct);
}

/// <summary>
/// The docker credential-helper protocol: the server URL on stdin, JSON
/// {"ServerURL","Username","Secret"} on stdout; "credentials not found" on failure means none.
/// </summary>
public sealed class ProcessCredentialHelperRunner : ICredentialHelperRunner
{
    public async Task<RegistryCredential?> GetAsync(string helper, string serverUrl, CancellationToken ct)
    {
        var program = "docker-credential-" + helper;
        var start = new ProcessStartInfo(program, "get")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw Errors.CredentialHelperFailed(program, serverUrl, "it cannot be started: " + e.Message);
        }

        using (process)
        {
            await process.StandardInput.WriteAsync(serverUrl).ConfigureAwait(false);
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            var stdout = await output.ConfigureAwait(false);
            var stderr = await error.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                var message = (stdout + stderr).Trim();
                if (message.Contains("not found", StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }

                // The helper's own message, never its output on success (which holds the secret).
                throw Errors.CredentialHelperFailed(program, serverUrl, $"exit code {process.ExitCode}: {Truncate(message)}");
            }

            try
            {
                using var document = JsonDocument.Parse(stdout);
                var username = document.RootElement.GetProperty("Username").GetString() ?? "";
                var secret = document.RootElement.GetProperty("Secret").GetString() ?? "";
                return secret.Length == 0 ? null : new RegistryCredential(username, secret, program);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw Errors.CredentialHelperFailed(program, serverUrl, "its answer is not the expected JSON");
            }
        }
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
