using System.Collections.Immutable;
using System.CommandLine;
using Distroless.Building;

namespace Distroless.Cli.Commands;

/// <summary>Where a command's image goes: --archive, --registry with --repository, and --tag.</summary>
internal sealed class OutputOptions
{
    public Option<string?> Archive { get; } = new("--archive")
    {
        Description = "Write an OCI image archive here (podman load -i, docker load -i, skopeo oci-archive:).",
        HelpName = "path",
    };

    public Option<string?> Registry { get; } = new("--registry")
    {
        Description = "Push to this registry (host[:port]); credentials as docker and podman keep them, or DOTNET_CONTAINER_REGISTRY_UNAME/_PWORD.",
        HelpName = "host",
    };

    public Option<string?> Repository { get; } = new("--repository")
    {
        Description = "The image name without tag, e.g. shop/api.",
        HelpName = "name",
    };

    public Option<string[]> Tags { get; } = new("--tag")
    {
        Description = "A tag of the image; repeatable [default: latest].",
        HelpName = "tag",
        Arity = ArgumentArity.OneOrMore,
    };

    public IEnumerable<Option> All => [Archive, Registry, Repository, Tags];

    /// <summary>
    /// Adds the options and the rule that the image must go somewhere (and, for a registry, under
    /// a name), unless <paramref name="elsewhere"/> (another option that says where, such as
    /// --project-inputs) was given.
    /// </summary>
    public void AddTo(Command command, bool repositoryRequiredForRegistry, Option? elsewhere = null)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            var registry = result.GetValue(Registry);
            if (elsewhere is not null && result.GetResult(elsewhere) is not null)
            {
                return;
            }

            if (result.GetValue(Archive) is null && registry is null)
            {
                result.AddError("Say where the image goes: --archive <path>, --registry <host> --repository <name>, or both.");
            }
            else if (repositoryRequiredForRegistry && registry is not null && result.GetValue(Repository) is null)
            {
                result.AddError("--registry needs --repository <name>, the image name to push to.");
            }
        });
    }

    public ImmutableArray<string> TagsOf(ParseResult result) => [.. result.GetValue(Tags) ?? []];

    public OutputTarget Target(ParseResult result, string defaultRepository)
    {
        var tags = TagsOf(result);
        return new OutputTarget(
            result.GetValue(Repository) ?? defaultRepository,
            tags.IsEmpty ? ["latest"] : tags,
            result.GetValue(Archive) is { } archive ? Path.GetFullPath(archive) : null,
            result.GetValue(Registry),
            LocalEngine: null);
    }
}
