using Distroless.Base;
using Distroless.Diagnostics;
using Distroless.Oci;

namespace Distroless.Building;

public static partial class ImagePlanValidator
{
    /// <summary>
    /// Checks a base-only plan as an app plan's base and outputs are checked, under the same codes
    /// and setting names, so an empty mirror or a malformed package is DSTL1001/DSTL1004 before
    /// anything is fetched, not an internal error from constructing a URI or resolving a package.
    /// </summary>
    public static void Validate(BaseImagePlan plan)
    {
        if (DebianRelease.Find(plan.Suite) is null)
        {
            throw Errors.UnsupportedSuite(plan.Suite, DebianRelease.Supported.Select(r => r.Codename));
        }

        if (plan.RuntimeIdentifiers.IsDefaultOrEmpty)
        {
            throw Errors.InvalidProperty("ContainerRuntimeIdentifiers", "", "at least one runtime identifier, e.g. linux-x64");
        }

        foreach (var rid in plan.RuntimeIdentifiers)
        {
            if (Platform.FromRuntimeIdentifier(rid) is null)
            {
                throw Errors.UnsupportedRuntimeIdentifier(rid);
            }
        }

        if (plan.RuntimeIdentifiers.GroupBy(r => r).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw Errors.InvalidProperty("ContainerRuntimeIdentifiers", duplicate.Key, "each runtime identifier once");
        }

        if (!Enum.IsDefined(plan.Flavor))
        {
            throw Errors.InvalidProperty("flavor", plan.Flavor.ToString(), "runtime, runtime-invariant or aot");
        }

        CheckDebianSource(plan.LockMode, plan.ExtraPackages, plan.Mirror, plan.SecurityMirror);
        CheckSourceDateEpoch(plan.SourceDateEpoch);
        CheckName(plan.Output.Repository, plan.Output.Tags);
        CheckDestinations(plan.Output);
    }
}
