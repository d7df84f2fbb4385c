using System.Collections;
using System.Collections.Immutable;
using Distroless.Building;
using Distroless.Diagnostics;
using Microsoft.Build.Framework;

namespace Distroless.Sdk.Tasks;

/// <summary>
/// The inputs the targets list (_DistrolessComputeInputs), as the tasks receive them: one item
/// per property input (Include = the input's name, Value = its value) and one item per item of
/// an item-list input (the item as the project has it, with the list's name in
/// <see cref="ListMetadata"/>). The same list goes to the out-of-process inputs file, and
/// <see cref="ProjectInputsBinder"/> binds both the same way.
/// </summary>
internal static class TaskInputs
{
    public const string ListMetadata = "DistrolessInputList";

    public static ProjectInputs Bind(ITaskItem[] properties, ITaskItem[] items)
        => ProjectInputsBinder.Bind(
            properties.Select(p => (p.ItemSpec, p.GetMetadata("Value"))),
            items.Select(i => (i.GetMetadata(ListMetadata), Item(i))),
            reason => new DistrolessException(new Diagnostic(DiagnosticCodes.InternalError,
                $"the Distroless.Sdk targets passed an input the task does not know: {reason}.",
                "The package's targets and tasks do not match: restore the package again, and report a bug if this persists.")));

    /// <summary>The item's spec and its own metadata, without the list name the targets added.</summary>
    private static ProjectItem Item(ITaskItem item)
    {
        var metadata = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in item.CloneCustomMetadata())
        {
            var name = (string)entry.Key;
            if (name != ListMetadata && entry.Value is string value && value.Length > 0)
            {
                metadata[name] = value;
            }
        }

        return new ProjectItem(item.ItemSpec, metadata.ToImmutable());
    }
}
