using System.Text;
using Distroless.Base;
using Distroless.Caching;
using Distroless.Diagnostics;
using Distroless.Layers;

namespace Distroless.Building;

/// <summary>
/// ContainerUser by name only works when the image's /etc/passwd (and /etc/group, for a group
/// name) has it: the runtime resolves names when the container starts, and fails then. So a name
/// is checked at build time, against the passwd the generated base is given (<see cref="SyntheticLayer"/>)
/// or the one a registry base's layers hold; a numeric uid or gid needs no entry and is not checked.
/// </summary>
public static class ContainerUserCheck
{
    /// <summary>Against the generated base, whose users are known before anything is built (so it fails before any download).</summary>
    public static void CheckGeneratedBase(string user)
        => Check(user, "the generated base", () => SyntheticLayer.Passwd, () => SyntheticLayer.Group);

    /// <summary>Against the base the image is built on: the generated one, or a registry image (its layers are in the cache).</summary>
    public static void Check(string user, BaseImage baseImage, BlobCache cache)
    {
        if (baseImage.Config is null)
        {
            CheckGeneratedBase(user);
            return;
        }

        Check(user, $"the base image {baseImage.Description}", () => Read(baseImage, cache, "etc/passwd"), () => Read(baseImage, cache, "etc/group"));
    }

    private static void Check(string user, string image, Func<string?> passwd, Func<string?> groupFile)
    {
        var colon = user.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? user : user[..colon];
        var group = colon < 0 ? null : user[(colon + 1)..];
        if (!IsNumeric(name))
        {
            var users = Names(passwd());
            if (!users.Contains(name, StringComparer.Ordinal))
            {
                throw Errors.UnknownContainerUser(user, "user", name, image, users);
            }
        }

        if (group is not null && !IsNumeric(group))
        {
            var groups = Names(groupFile());
            if (!groups.Contains(group, StringComparer.Ordinal))
            {
                throw Errors.UnknownContainerUser(user, "group", group, image, groups);
            }
        }
    }

    private static bool IsNumeric(string id) => id.Length > 0 && id.All(char.IsAsciiDigit);

    private static string? Read(BaseImage baseImage, BlobCache cache, string path)
        => LayerFileReader.Read(cache, baseImage.Layers, path) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>The first field of each "name:x:…" line of a passwd or group file, in file order.</summary>
    private static List<string> Names(string? file) => file is null
        ? []
        : file.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#') && line.Contains(':'))
            .Select(line => line[..line.IndexOf(':')]).Distinct(StringComparer.Ordinal).ToList();
}
