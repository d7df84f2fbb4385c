using System.Collections.Immutable;
using Distroless.Debian;
using Distroless.Diagnostics;

namespace Distroless.Base;

/// <summary>
/// Resolves packages a project adds to its base (DistrolessPackage items) together with what
/// they need, the way apt would for an unpack-only install: Depends and Pre-Depends, the first
/// satisfiable alternative of each, virtual packages through Provides (a real package of the
/// name wins; an unversioned Provides never satisfies a versioned dependency), version
/// constraints, the newest candidate across suites. Packages already in the base satisfy what
/// they can; ignored machinery (debconf, perl-base, …) and excluded names are never added.
/// </summary>
public sealed class DependencyResolver
{
    private readonly IReadOnlyList<PackageIndex> _indexes;
    private readonly string _architecture;
    private readonly IReadOnlySet<string> _ignored;
    private readonly Dictionary<string, PackageRecord> _selected = new(StringComparer.Ordinal);
    private readonly List<PackageRecord> _added = [];
    private readonly Dictionary<string, string> _addedFor = new(StringComparer.Ordinal);

    public DependencyResolver(IReadOnlyList<PackageIndex> indexes, string architecture, IEnumerable<PackageRecord> present, IReadOnlySet<string> ignored)
    {
        _indexes = indexes;
        _architecture = architecture;
        _ignored = ignored;
        foreach (var package in present)
        {
            _selected[package.Name] = package;
        }
    }

    /// <summary>Each added package → what needed it ("the project", or the package that depends on it).</summary>
    public IReadOnlyDictionary<string, string> AddedFor => _addedFor;

    /// <summary>Adds each requested package and its dependency closure; returns what was added, in resolution order.</summary>
    public ImmutableArray<PackageRecord> Resolve(IEnumerable<PackageConstraint> requested, string requestedBy = "the project")
    {
        foreach (var constraint in requested)
        {
            if (_ignored.Contains(constraint.Name))
            {
                continue;
            }

            if (!Candidates(constraint.Name).Any() && !Providers(constraint.Name).Any() && !_selected.ContainsKey(constraint.Name))
            {
                throw Errors.UnknownPackage(constraint.Name, $"{string.Join(", ", _indexes.Select(i => i.Origin.Suite))} for {_architecture}");
            }

            if (!TrySatisfy(new PackageRelation([constraint]), requestedBy))
            {
                throw Errors.UnsatisfiableDependency(constraint.ToString(), requestedBy, Available(constraint.Name));
            }
        }

        return [.. _added];
    }

    private bool TrySatisfy(PackageRelation relation, string neededBy)
    {
        // Already met by something selected (or deliberately left out)?
        if (relation.Alternatives.Any(a => _ignored.Contains(a.Name) || IsSelectedSatisfying(a)))
        {
            return true;
        }

        foreach (var alternative in relation.Alternatives)
        {
            var candidate = Candidates(alternative.Name).FirstOrDefault(p => alternative.IsSatisfiedBy(p.Version))
                ?? (_selected.ContainsKey(alternative.Name) ? null : ProviderFor(alternative));
            if (candidate is null || _selected.ContainsKey(candidate.Name))
            {
                continue;
            }

            _selected[candidate.Name] = candidate;
            _added.Add(candidate);
            _addedFor[candidate.Name] = neededBy;
            foreach (var dependency in candidate.PreDepends.Concat(candidate.Depends))
            {
                if (!TrySatisfy(dependency, candidate.Name))
                {
                    throw Errors.UnsatisfiableDependency(dependency.ToString(), $"{candidate.Name} {candidate.Version}",
                        Available(dependency.Alternatives[0].Name));
                }
            }

            return true;
        }

        return false;
    }

    private bool IsSelectedSatisfying(PackageConstraint constraint)
        => (_selected.TryGetValue(constraint.Name, out var real) && constraint.IsSatisfiedBy(real.Version))
            || _selected.Values.Any(p => Provides(p, constraint));

    /// <summary>Real packages of the name for the architecture, newest first.</summary>
    private IEnumerable<PackageRecord> Candidates(string name)
        => _indexes.SelectMany(i => i.Find(name))
            .Where(p => p.Architecture == _architecture || p.Architecture == "all")
            .OrderByDescending(p => p.Version);

    private IEnumerable<PackageRecord> Providers(string name)
        => _indexes.SelectMany(i => i.FindProviders(name))
            .Where(p => p.Architecture == _architecture || p.Architecture == "all");

    /// <summary>A provider of a virtual package: deterministic (by name, then newest).</summary>
    private PackageRecord? ProviderFor(PackageConstraint constraint)
        => Providers(constraint.Name)
            .Where(p => Provides(p, constraint))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenByDescending(p => p.Version)
            .FirstOrDefault();

    private static bool Provides(PackageRecord package, PackageConstraint constraint)
        => package.Provides.Any(provided => provided.Name == constraint.Name
            && (constraint.Operator == VersionOperator.Any
                || (provided.Operator == VersionOperator.Equal && constraint.IsSatisfiedBy(provided.Version!))));

    private string Available(string name)
    {
        var versions = Candidates(name).Select(p => p.Version.Text).Distinct().ToList();
        return versions.Count == 0 ? "none" : string.Join(", ", versions);
    }
}
