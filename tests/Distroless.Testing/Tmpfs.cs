using NUnit.Framework;

namespace Distroless.Testing;

/// <summary>
/// A small tmpfs of its own, for real disk-full and read-only faults: the kernel's ENOSPC and
/// EROFS, not a simulation. Mounting needs root (CAP_SYS_ADMIN), which the CI machines have;
/// where the mount is refused the test is skipped and says why. Unmounted and removed on dispose.
/// </summary>
public sealed class Tmpfs : IDisposable
{
    private Tmpfs(string path, long sizeBytes)
    {
        Path = path;
        SizeBytes = sizeBytes;
    }

    public string Path { get; }

    public long SizeBytes { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Bytes in use on the file system (blocks of all files, whatever their directory).</summary>
    public long UsedBytes => SizeBytes - new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> MiB; skips the test when this machine does not allow it.</summary>
    public static async Task<Tmpfs> MountAsync(int megabytes)
    {
        var path = TestEnvironment.NewTempDirectory("tmpfs");
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("tmpfs faults need Linux");
        }

        var mount = await ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755", "tmpfs", path]);
        if (mount.ExitCode != 0)
        {
            Directory.Delete(path);
            Assert.Ignore($"cannot mount a tmpfs here (needs root, as in CI: build/test runs as root there): {mount.All.Trim()}");
        }

        return new Tmpfs(path, megabytes * 1024L * 1024L);
    }

    /// <summary>Makes the file system read-only (EROFS for every write from now on).</summary>
    public async Task RemountReadOnlyAsync()
        => await ProcessRunner.RunCheckedAsync("mount", ["-o", "remount,ro", Path]);

    public void Dispose()
    {
        // Lazy: a child process the test started may still hold a file open for a moment.
        ProcessRunner.RunAsync("umount", ["--lazy", Path]).GetAwaiter().GetResult();
        try
        {
            Directory.Delete(Path);
        }
        catch (IOException)
        {
        }
    }
}
