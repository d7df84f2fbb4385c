namespace Distroless.Native;

/// <summary>
/// The ELF objects a file contributes to an image: the file itself, and for a single-file
/// bundle also the native libraries it extracts at start-up, named "&lt;bundle&gt;!/&lt;path&gt;"
/// (see <see cref="SingleFileBundle"/>). Non-ELF files contribute nothing.
/// </summary>
public static class ElfInspector
{
    public const string BundleSeparator = "!/";

    public static IReadOnlyList<ElfObject> InspectFile(string filePath, string imagePath)
    {
        using var file = new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
        return Inspect(file, imagePath);
    }

    public static IReadOnlyList<ElfObject> Inspect(byte[] content, string imagePath)
        => ElfReader.HasMagic(content) ? Inspect(new MemoryStream(content, writable: false), imagePath) : [];

    public static IReadOnlyList<ElfObject> Inspect(Stream file, string imagePath)
    {
        if (ElfReader.Read(file, imagePath) is not { } elf)
        {
            return [];
        }

        // Only a program (the apphost) can be a bundle; shared libraries are never searched.
        if (elf.Interpreter is null)
        {
            return [elf];
        }

        List<ElfObject> objects = [elf];
        try
        {
            foreach (var (relativePath, content) in SingleFileBundle.NativeFiles(file))
            {
                if (ElfReader.Read(content, imagePath + BundleSeparator + relativePath) is { } embedded)
                {
                    objects.Add(embedded);
                }
            }
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or IOException or ArgumentOutOfRangeException)
        {
            // Not a bundle after all (the marker bytes by chance), or a damaged one: the host
            // would fail on it too; there is nothing more to learn here.
        }

        return objects;
    }
}
