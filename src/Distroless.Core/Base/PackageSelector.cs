using System.Collections.Immutable;
using Distroless.Debian;
using Distroless.Diagnostics;

namespace Distroless.Base;

/// <summary>
/// Picks, for each listed package, the newest version any of the suites offers for the
/// architecture (security and point-release fixes included), then checks that the set is
/// closed: every Depends and Pre-Depends is met inside the set, unless it names deliberately
/// ignored machinery. Nothing is added behind the user's back; a gap is an error.
/// </summary>
public static class PackageSelector
{
    public static ImmutableArray<PackageRecord> Select(IReadOnlyList<string> names, IReadOnlyList<PackageIndex> indexes, string architecture)
    {
        var selected = ImmutableArray.CreateBuilder<PackageRecord>(names.Count);
        foreach (var name in names)
        {
            var newest = indexes
                .SelectMany(i => i.Find(name))
                .Where(p => p.Architecture == architecture || p.Architecture == "all")
                .Aggregate((PackageRecord?)null, (best, p) => best is null || p.Version > best.Version ? p : best);
            selected.Add(newest ?? throw Errors.UnknownPackage(name,
                $"{string.Join(", ", indexes.Select(i => i.Origin.Suite))} for {architecture}"));
        }

        return selected.ToImmutable();
    }

    /// <summary>Throws DSTL2008 for the first dependency the set does not satisfy.</summary>
    public static void CheckClosure(IReadOnlyList<PackageRecord> packages, IReadOnlySet<string> ignored)
    {
        var byName = packages.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var package in packages)
        {
            foreach (var relation in package.PreDepends.Concat(package.Depends))
            {
                if (!relation.Alternatives.Any(a => ignored.Contains(a.Name) || IsSatisfied(a, byName, packages)))
                {
                    throw Errors.UnsatisfiedDependency(package.Name, relation.ToString());
                }
            }
        }
    }

    private static bool IsSatisfied(PackageConstraint constraint, Dictionary<string, PackageRecord> byName, IReadOnlyList<PackageRecord> all)
    {
        if (byName.TryGetValue(constraint.Name, out var real) && constraint.IsSatisfiedBy(real.Version))
        {
            return true;
        }

        // A virtual package: an unversioned Provides never satisfies a versioned dependency.
        return all.Any(p => p.Provides.Any(provided => provided.Name == constraint.Name
            && (constraint.Operator == VersionOperator.Any
                || (provided.Operator == VersionOperator.Equal && constraint.IsSatisfiedBy(provided.Version!)))));
    }
}
