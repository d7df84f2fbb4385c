using System.Collections.Immutable;

namespace Distroless.Debian;

public enum VersionOperator
{
    Any,
    Earlier,        // <<
    EarlierOrEqual, // <=
    Equal,          // =
    LaterOrEqual,   // >=
    Later,          // >>
}

/// <summary>One alternative of a relation: <c>name[:arch] [(op version)]</c>.</summary>
public sealed record PackageConstraint(string Name, VersionOperator Operator, DebVersion? Version, string? ArchQualifier)
{
    public bool IsSatisfiedBy(DebVersion candidate) => Operator switch
    {
        VersionOperator.Any => true,
        VersionOperator.Earlier => candidate < Version!,
        VersionOperator.EarlierOrEqual => candidate <= Version!,
        VersionOperator.Equal => candidate.CompareTo(Version) == 0,
        VersionOperator.LaterOrEqual => candidate >= Version!,
        VersionOperator.Later => candidate > Version!,
        _ => false,
    };

    public override string ToString() => Operator switch
    {
        VersionOperator.Any => Name + (ArchQualifier is null ? "" : ":" + ArchQualifier),
        _ => $"{Name}{(ArchQualifier is null ? "" : ":" + ArchQualifier)} ({OperatorText} {Version})",
    };

    private string OperatorText => Operator switch
    {
        VersionOperator.Earlier => "<<",
        VersionOperator.EarlierOrEqual => "<=",
        VersionOperator.Equal => "=",
        VersionOperator.LaterOrEqual => ">=",
        VersionOperator.Later => ">>",
        _ => "",
    };
}

/// <summary>A relation field entry: alternatives separated by '|', any one of which satisfies it.</summary>
public sealed record PackageRelation(ImmutableArray<PackageConstraint> Alternatives)
{
    public override string ToString() => string.Join(" | ", Alternatives);

    /// <summary>Parses a Depends/Pre-Depends/Provides field: comma = and, '|' = or.</summary>
    public static ImmutableArray<PackageRelation> ParseList(string? field)
    {
        if (string.IsNullOrWhiteSpace(field))
        {
            return [];
        }

        var relations = ImmutableArray.CreateBuilder<PackageRelation>();
        foreach (var part in field.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var alternatives = part
                .Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(ParseConstraint)
                .ToImmutableArray();
            relations.Add(new PackageRelation(alternatives));
        }

        return relations.ToImmutable();
    }

    private static PackageConstraint ParseConstraint(string text)
    {
        // Architecture restrictions "[amd64]" and build profiles "<!nocheck>" only occur in
        // source packages; strip them defensively.
        var bracket = text.IndexOfAny(['[', '<']);
        var paren = text.IndexOf('(');
        if (bracket >= 0 && (paren < 0 || bracket < paren))
        {
            text = text[..bracket].Trim();
        }

        var name = text;
        var op = VersionOperator.Any;
        DebVersion? version = null;
        if (paren >= 0)
        {
            var close = text.IndexOf(')', paren);
            if (close < 0)
            {
                throw new FormatException($"unbalanced parenthesis in \"{text}\"");
            }

            name = text[..paren].Trim();
            var inner = text[(paren + 1)..close].Trim();
            var (parsedOp, length) = inner switch
            {
                _ when inner.StartsWith("<<", StringComparison.Ordinal) => (VersionOperator.Earlier, 2),
                _ when inner.StartsWith("<=", StringComparison.Ordinal) => (VersionOperator.EarlierOrEqual, 2),
                _ when inner.StartsWith(">=", StringComparison.Ordinal) => (VersionOperator.LaterOrEqual, 2),
                _ when inner.StartsWith(">>", StringComparison.Ordinal) => (VersionOperator.Later, 2),
                _ when inner.StartsWith('=') => (VersionOperator.Equal, 1),
                // Obsolete forms: '<' means <=, '>' means >=.
                _ when inner.StartsWith('<') => (VersionOperator.EarlierOrEqual, 1),
                _ when inner.StartsWith('>') => (VersionOperator.LaterOrEqual, 1),
                _ => throw new FormatException($"no version operator in \"{text}\""),
            };
            op = parsedOp;
            version = DebVersion.Parse(inner[length..]);
        }

        string? arch = null;
        var colon = name.IndexOf(':');
        if (colon >= 0)
        {
            arch = name[(colon + 1)..];
            name = name[..colon];
        }

        return new PackageConstraint(name, op, version, arch);
    }
}
