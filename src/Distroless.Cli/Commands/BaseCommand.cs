using System.CommandLine;
using Distroless.Base;
using Distroless.Building;
using Distroless.Debian;
using Distroless.Diagnostics;

namespace Distroless.Cli.Commands;

/// <summary>`distroless base`: the generated Debian base on its own, to use as a ContainerBaseImage elsewhere.</summary>
internal static class BaseCommand
{
    public static Command Create(CliContext context)
    {
        var suite = new Option<string>("--suite")
        {
            Description = "The Debian release.",
            DefaultValueFactory = _ => DebianRelease.DefaultCodename,
        };
        suite.AcceptOnlyFromAmong([.. DebianRelease.Supported.Select(r => r.Codename)]);
        var rids = new Option<string[]>("--rid")
        {
            Description = "A platform, as a .NET runtime identifier; repeat it for a multi-platform index [default: linux-x64].",
            HelpName = "rid",
            Arity = ArgumentArity.OneOrMore,
        };
        rids.AcceptOnlyFromAmong("linux-x64", "linux-arm64");
        var flavor = new Option<string>("--flavor")
        {
            Description = "What the base carries: runtime (what the .NET runtime needs, with ICU), runtime-invariant (without ICU), aot (libc and OpenSSL for Native AOT apps).",
            DefaultValueFactory = _ => "runtime",
        };
        flavor.AcceptOnlyFromAmong("runtime", "runtime-invariant", "aot");
        var packages = new Option<string[]>("--package")
        {
            Description = "A Debian package to add with its dependencies, e.g. libgssapi-krb5-2 or \"libfoo1 (>= 1.2)\"; repeatable.",
            HelpName = "name",
            Arity = ArgumentArity.OneOrMore,
        };
        var debug = new Option<bool>("--debug") { Description = "The debug variant: Debian's static busybox at /busybox (on PATH)." };
        var noSlim = new Option<bool>("--no-slim") { Description = "Keep what .NET cannot use (gconv modules, ICU's extra libraries, OpenSSL engines)." };
        var lockFile = new Option<string?>("--lock")
        {
            Description = "A lock file to build from when it answers the request (else resolved and written).",
            HelpName = "file",
        };
        var updateLock = new Option<bool>("--update-lock") { Description = "Resolve again and rewrite the --lock file." };
        var output = new OutputOptions();
        output.Repository.Description = "The image name without tag [default: distroless/base]; needed with --registry.";

        var command = new Command("base", "Build the distroless Debian base alone (non-root, no app), as an archive or in a registry.");
        foreach (var option in new Option[] { suite, rids, flavor, packages, debug, noSlim, lockFile, updateLock })
        {
            command.Options.Add(option);
        }

        output.AddTo(command, repositoryRequiredForRegistry: true);
        command.Validators.Add(result =>
        {
            if (result.GetValue(updateLock) && result.GetValue(lockFile) is null)
            {
                result.AddError("--update-lock needs --lock <file>.");
            }
        });
        context.Epilogs[command] = """
            Examples:
              distroless base --flavor aot --archive base.tar
              distroless base --rid linux-x64 --rid linux-arm64 --registry registry.example --repository shop/base --tag bookworm
            """;
        context.SetAction(command, async (session, result, ct) =>
        {
            var codename = result.GetValue(suite)!;
            var (mirror, security) = session.Mirrors(codename);
            var platforms = result.GetValue(rids) is { Length: > 0 } given ? given.Distinct().ToArray() : ["linux-x64"];
            var plan = new BaseImagePlan
            {
                Suite = codename,
                RuntimeIdentifiers = [.. platforms],
                Mirror = mirror,
                SecurityMirror = security,
                Flavor = result.GetValue(flavor) switch { "aot" => BaseImageFlavor.Aot, "runtime-invariant" => BaseImageFlavor.RuntimeInvariant, _ => BaseImageFlavor.Runtime },
                ExtraPackages = [.. result.GetValue(packages) ?? []],
                Slim = !result.GetValue(noSlim),
                Debug = result.GetValue(debug),
                SourceDateEpoch = session.SourceDateEpoch,
                LockFile = result.GetValue(lockFile) is { } path ? Path.GetFullPath(path) : null,
                LockMode = result.GetValue(updateLock) ? LockMode.Update : LockMode.Auto,
                CacheDirectory = session.CacheDirectory,
                Output = output.Target(result, "distroless/base"),
                RegistrySettings = session.RegistrySettings(),
            };
            var built = await session.Containerizer().BuildBaseAsync(plan, ct).ConfigureAwait(false);
            ResultSummary.Write(session.Out, built);
            return ExitCodes.Success;
        });
        return command;
    }
}
