using System.CommandLine;
using Distroless.Caching;
using Distroless.Provenance;
using Distroless.Registry;
using Distroless.Signing;

namespace Distroless.Cli.Commands;

/// <summary>
/// `distroless verify`: checks an image's signatures and provenance against a public key, from
/// an archive (offline) or a registry, and prints what the provenance says. Exit code 0 when
/// every manifest is signed by the key, 1 (with the DSTL600x error) otherwise.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CliContext context)
    {
        var source = new Argument<string>("image")
        {
            Description = "An OCI image archive, or a registry reference (registry/repository:tag or @sha256:…).",
        };
        var key = new Option<string>("--key")
        {
            Description = "The PEM public key (\"PUBLIC KEY\", ECDSA P-256 or Ed25519) the image must be signed with.",
            HelpName = "public.pem",
            Required = true,
        };
        var command = new Command("verify",
            "Verify an image's Sigstore signatures and SLSA provenance with a public key: every manifest (the index and each platform) must be signed by it.");
        command.Arguments.Add(source);
        command.Options.Add(key);
        context.Epilogs[command] = """
            Examples:
              distroless verify bin/Release/net10.0/linux-x64/distroless/api.tar --key signing.pub.pem
              distroless verify registry.example/shop/api:1.4.2 --key signing.pub.pem
            The bundles are Sigstore bundles v0.3 with a public-key hint and no transparency-log entry:
            other Sigstore verifiers accept them given the key, with their log and timestamp checks off.
            """;
        context.SetAction(command, async (session, result, ct) =>
        {
            var publicKey = VerificationKey.Read(Path.GetFullPath(result.GetValue(key)!));
            var image = ImageSource.Resolve(result.GetValue(source)!);
            AttachedImage attached;
            if (File.Exists(image))
            {
                attached = AttachedImage.FromArchive(image, new BlobCache(session.CacheDirectory));
            }
            else
            {
                using var sessions = new RegistrySessions(new RegistryOptions
                {
                    InsecureRegistries = session.RegistrySettings().InsecureRegistries,
                    HandlerFactory = session.Host.RegistryHandler,
                }, session.Credentials(), session.Logger);
                attached = await AttachedImage.FromRegistryAsync(ImageReference.Parse(image, "the image to verify"), host => sessions.Get(host, push: false), ct)
                    .ConfigureAwait(false);
            }

            Write(session.Out, image, ImageVerifier.Verify(attached, publicKey, image));
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Write(TextWriter output, string source, ImageVerification verification)
    {
        output.WriteLine($"{source} ({verification.Digest}): verified with the {verification.Key.Algorithm} key {verification.Key.Hint}");
        foreach (var (subject, result) in verification.Subjects)
        {
            output.WriteLine();
            output.WriteLine($"{subject.Name}  {subject.Descriptor.Digest}");
            output.WriteLine($"  signature   ok (bundle {result.Signature.Bundle.Short})");
            if (result.Provenance is not { } provenance)
            {
                output.WriteLine("  provenance  none attached");
                continue;
            }

            output.WriteLine($"  provenance  ok (bundle {provenance.Bundle.Short}, {provenance.Statement.PredicateType})");
            ProvenanceSummary summary;
            try
            {
                summary = ProvenanceSummary.Read(provenance.Statement.Predicate);
            }
            catch (FormatException e)
            {
                throw Diagnostics.Errors.MalformedAttestation($"the provenance of the {subject.Name} manifest", e.Message);
            }

            Field(output, "build type", summary.BuildType);
            Field(output, "builder", summary.BuilderId);
            if (summary.InvocationId is { } invocation)
            {
                Field(output, "invocation", invocation);
            }

            foreach (var (name, value) in summary.Parameters)
            {
                Field(output, name, value);
            }

            Field(output, "resolved", summary.Dependencies.Length == 0
                ? "nothing"
                : string.Join(", ", summary.Dependencies.Select(d => $"{d.Count} {(d.Count == 1 ? Singular(d.Kind) : d.Kind)}")));
        }
    }

    private static void Field(TextWriter output, string name, string value) => output.WriteLine($"    {name,-19} {value}");

    private static string Singular(string kind) => kind.EndsWith("indexes", StringComparison.Ordinal) ? kind[..^2] : kind.TrimEnd('s');
}
