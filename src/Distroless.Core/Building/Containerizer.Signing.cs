using System.Collections.Immutable;
using Distroless.Output;
using Distroless.Provenance;
using Distroless.Registry;
using Distroless.Signing;
using Microsoft.Extensions.Logging;

namespace Distroless.Building;

public sealed partial class Containerizer
{
    /// <summary>The plan's signing key, read (and decrypted) now; null when the plan names none.</summary>
    private SigningKey? LoadSigningKey(ImagePlan plan)
    {
        if (plan.SupplyChain.SigningKey is not { } path)
        {
            _logger.LogDebug("No DistrolessSigningKey: the image is not signed and carries no provenance");
            return null;
        }

        var key = SigningKeyReader.Read(path, _signingKeyPassword);
        _logger.LogInformation("Signing with the {Algorithm} key {Hint} from {Path}", key.Algorithm, key.PublicKey.Hint, path);
        return key;
    }

    /// <summary>
    /// A signature for every image and for the index; with provenance on, an SLSA provenance for
    /// each too (an image's names what it was built from, the index's names its images).
    /// </summary>
    private ImmutableArray<Attachment> Attest(SigningKey key, IReadOnlyList<ImagePlan> plans,
        IReadOnlyList<(BuiltImage Image, ImmutableArray<ResourceDescriptor> Dependencies)> built, BuiltIndex? index)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var name = ProvenanceFactory.ImageName(plans[0]);
        var provenance = plans[0].SupplyChain.Provenance;
        var attachments = ImmutableArray.CreateBuilder<Attachment>();
        foreach (var (plan, (image, dependencies)) in plans.Zip(built))
        {
            attachments.Add(Attestations.Signature(key, image.ManifestDescriptor, name));
            if (provenance)
            {
                attachments.Add(Attestations.Attest(key, image.ManifestDescriptor, name, SlsaProvenance.PredicateType,
                    ProvenanceFactory.ForImage(plan, dependencies).ToJson()));
            }
        }

        if (index is not null)
        {
            attachments.Add(Attestations.Signature(key, index.Descriptor, name));
            if (provenance)
            {
                attachments.Add(Attestations.Attest(key, index.Descriptor, name, SlsaProvenance.PredicateType,
                    ProvenanceFactory.ForIndex(plans, index, name).ToJson()));
            }
        }

        _logger.LogInformation("Signed {Count} manifest(s){Provenance} ({Seconds:F3} s)", built.Count + (index is null ? 0 : 1),
            provenance ? ", with SLSA provenance" : "", clock.Elapsed.TotalSeconds);
        return attachments.ToImmutable();
    }
}
