using System.Text.RegularExpressions;

namespace Distroless.Diagnostics;

/// <summary>
/// Turns what the operating system said about a local file (disk full, permission denied,
/// read-only file system, a file where a directory should be, …) into a diagnostic that names
/// the path, the place it belongs to and the setting that moves it (DSTL4006–DSTL4009), so a
/// machine's trouble never reads as an internal error. Network failures are not file-system
/// failures, even though .NET reports some of them as <see cref="IOException"/>: only errors
/// carrying an errno (or Windows error) of the file system, and the path-specific exception
/// types, are classified.
/// </summary>
public static partial class FileSystemErrors
{
    private enum Kind
    {
        DiskFull,
        PermissionDenied,
        ReadOnly,
        Other,
    }

    /// <summary>Whether <paramref name="e"/> (or an exception inside it) is a local file-system failure.</summary>
    public static bool IsFileSystemError(Exception e) => Find(e) is not null;

    /// <summary>
    /// The diagnostic for a file-system failure inside <paramref name="e"/>, attributed to the
    /// <paramref name="locations"/> entry that covers its path (the first that does); null when
    /// <paramref name="e"/> is no file-system failure.
    /// </summary>
    public static DistrolessException? Classify(Exception e, IEnumerable<FileLocation> locations)
    {
        if (Find(e) is not { } found)
        {
            return null;
        }

        var (failure, kind) = found;
        var known = locations.ToList();
        var path = PathOf(failure) ?? known.FirstOrDefault()?.Root ?? "";
        var location = known.FirstOrDefault(l => l.Covers(path)) ?? new FileLocation(path, "a file this build uses", null);
        var reason = Errors.Reason(failure is UnauthorizedAccessException ? "permission denied" : WithoutPath(failure.Message));
        return kind switch
        {
            Kind.DiskFull => Errors.DiskFull(path, location, reason, failure),
            Kind.PermissionDenied => Errors.PermissionDenied(path, location, failure),
            Kind.ReadOnly => Errors.ReadOnlyFileSystem(path, location, failure),
            _ => Errors.FileSystemError(path, location, reason, failure),
        };
    }

    private static (Exception Failure, Kind Kind)? Find(Exception e)
    {
        for (var current = e; current is not null; current = current is AggregateException { InnerExceptions.Count: > 0 } all
                 ? all.InnerExceptions[0] : current.InnerException)
        {
            if (KindOf(current) is { } kind)
            {
                return (current, kind);
            }
        }

        return null;
    }

    private static Kind? KindOf(Exception e) => e switch
    {
        UnauthorizedAccessException => Kind.PermissionDenied,
        FileNotFoundException or DirectoryNotFoundException or PathTooLongException => Kind.Other,
        // The base type only: subclasses (HttpIOException, …) are the network's.
        IOException io when io.GetType() == typeof(IOException) => KindOf(io.HResult),
        _ => null,
    };

    /// <summary>.NET puts the errno (Unix) or HRESULT_FROM_WIN32 (Windows) of a failed file call into HResult.</summary>
    private static Kind? KindOf(int code)
    {
        if (OperatingSystem.IsWindows())
        {
            return (code & 0xFFFF) switch
            {
                _ when (uint)code >> 16 != 0x8007 => null,
                112 or 39 => Kind.DiskFull,           // ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL
                19 => Kind.ReadOnly,                  // ERROR_WRITE_PROTECT
                5 => Kind.PermissionDenied,           // ERROR_ACCESS_DENIED
                2 or 3 or 21 or 23 or 80 or 183 or 206 or 267 or 1392 => Kind.Other,
                _ => null,
            };
        }

        var quota = OperatingSystem.IsMacOS() ? 69 : 122;
        return code switch
        {
            28 => Kind.DiskFull,                      // ENOSPC
            _ when code == quota => Kind.DiskFull,    // EDQUOT
            30 => Kind.ReadOnly,                      // EROFS
            1 or 13 => Kind.PermissionDenied,         // EPERM, EACCES
            // ENOENT, EIO, EBUSY, EEXIST, EXDEV, ENOTDIR, EISDIR, ETXTBSY, EFBIG, EMLINK, ESTALE;
            // ENAMETOOLONG, ENOTEMPTY and ELOOP differ between Linux and macOS.
            2 or 5 or 16 or 17 or 18 or 20 or 21 or 26 or 27 or 31 or 116 => Kind.Other,
            _ when IsNameError(code) => Kind.Other,
            _ => null,
        };
    }

    private static bool IsNameError(int code) => OperatingSystem.IsMacOS() ? code is 62 or 63 or 66 : code is 36 or 39 or 40;

    /// <summary>The path .NET names in the message: "… : '/path'" (errno failures) or "… path '/path' …".</summary>
    private static string? PathOf(Exception e)
    {
        if (e is FileNotFoundException { FileName: { Length: > 0 } file })
        {
            return Path.GetFullPath(file);
        }

        var match = QuotedPath().Match(e.Message);
        return match.Success ? Path.GetFullPath(match.Groups["path"].Value) : null;
    }

    private static string WithoutPath(string message)
    {
        var suffix = message.LastIndexOf(" : '", StringComparison.Ordinal);
        return suffix > 0 ? message[..suffix] : message;
    }

    [GeneratedRegex(@"'(?<path>[^']*[/\\][^']*)'")]
    private static partial Regex QuotedPath();
}
