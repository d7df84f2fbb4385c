using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>Facts about a built image that several fixtures check.</summary>
public static class ImageFacts
{
    /// <summary>The Debian packages whose dpkg record (status.d) is in the image.</summary>
    public static IReadOnlyList<string> DebianPackages(ImageArchive image) => image.FileSystem().Keys
        .Where(p => p.StartsWith("var/lib/dpkg/status.d/", StringComparison.Ordinal) && !p.EndsWith(".md5sums", StringComparison.Ordinal))
        .Select(p => p["var/lib/dpkg/status.d/".Length..])
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>The compressed size of the image: config plus layers, as a registry stores it.</summary>
    public static long CompressedSize(ImageArchive image)
        => image.Manifest.GetProperty("config").GetProperty("size").GetInt64()
           + image.Manifest.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("size").GetInt64());

    public static IReadOnlyList<string> Environment(ImageArchive image)
        => image.Config.GetProperty("config").GetProperty("Env").EnumerateArray().Select(e => e.GetString()!).ToList();

    /// <summary>The layer whose history entry starts with <paramref name="createdBy"/>.</summary>
    public static string LayerCreatedBy(ImageArchive image, string createdBy)
    {
        var history = image.History;
        var index = history.ToList().FindIndex(h => h.StartsWith(createdBy, StringComparison.Ordinal));
        return index < 0
            ? throw new AssertionException($"no layer created by \"{createdBy}…\"; history:\n{string.Join("\n", history)}")
            : image.LayerDigests[index];
    }
}
