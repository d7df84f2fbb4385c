using System.Diagnostics;
using Distroless.Diagnostics;

namespace Distroless.Output;

/// <summary>Loads an image archive into a local engine through its command line (podman load / docker load).</summary>
public static class LocalEngineLoader
{
    public static async Task<string> LoadAsync(string engine, string archive, CancellationToken ct)
    {
        var start = new ProcessStartInfo(engine)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("load");
        start.ArgumentList.Add("-i");
        start.ArgumentList.Add(archive);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw Errors.LocalEngineFailed(engine, $"\"{engine}\" cannot be started ({e.Message})");
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            var text = (await output.ConfigureAwait(false)) + (await error.ConfigureAwait(false));
            if (process.ExitCode != 0)
            {
                throw Errors.LocalEngineFailed(engine, $"\"{engine} load\" exited with {process.ExitCode}: {text.Trim()}");
            }

            return text.Trim();
        }
    }
}
