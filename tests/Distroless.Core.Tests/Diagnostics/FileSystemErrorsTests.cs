using System.Net.Http;
using System.Net.Sockets;
using Distroless.Diagnostics;
using Distroless.Testing;

namespace Distroless.Core.Tests.Diagnostics;

/// <summary>
/// What the operating system says about a local file becomes a DSTL code naming the path, the
/// place it belongs to and the setting that moves it; what the network says stays the network's.
/// (The errno values are what .NET puts into IOException.HResult on Linux; the real failures, on
/// a full, read-only and forbidden file system, are in the CLI and integration tests.)
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class FileSystemErrorsTests
{
    private static readonly FileLocation Cache = FileLocation.Cache("/var/cache/distroless");
    private static readonly FileLocation Output = FileLocation.ImageOutput("/work/out/image.tar");

    private static DistrolessException? Classify(Exception e) => FileSystemErrors.Classify(e, [Cache, Output]);

    [Test]
    [Platform("Linux")]
    public void A_full_disk_under_the_cache_names_the_file_the_cache_and_how_to_make_room()
    {
        var error = Classify(new IOException("No space left on device : '/var/cache/distroless/tmp/123-abc/xyz'", 28))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.DiskFull));
            Assert.That(error.Diagnostic.Message, Is.EqualTo(
                "the disk is full: \"/var/cache/distroless/tmp/123-abc/xyz\" (the Distroless cache, /var/cache/distroless) cannot be written (No space left on device)."));
            Assert.That(error.Diagnostic.Fix, Does.Contain("DistrolessCacheDirectory").And.Contain("DISTROLESS_CACHE").And.Contain("distroless cache prune")
                .And.Contain("part-way was removed"));
        });
    }

    [TestCase(122, DiagnosticCodes.DiskFull, TestName = "EDQUOT is a full disk too")]
    [TestCase(30, DiagnosticCodes.ReadOnlyFileSystem, TestName = "EROFS")]
    [TestCase(13, DiagnosticCodes.PermissionDenied, TestName = "EACCES")]
    [TestCase(1, DiagnosticCodes.PermissionDenied, TestName = "EPERM")]
    [TestCase(5, DiagnosticCodes.FileSystemError, TestName = "EIO")]
    [TestCase(20, DiagnosticCodes.FileSystemError, TestName = "ENOTDIR")]
    [Platform("Linux")]
    public void Each_errno_has_its_code_and_the_archive_directory_is_named(int errno, string code)
    {
        var error = Classify(new IOException($"what the system said : '/work/out/.image.tar.abc.tmp'", errno))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(code));
            Assert.That(error.Diagnostic.Message, Does.Contain("\"/work/out/.image.tar.abc.tmp\" (the image archive's directory, /work/out)"));
            Assert.That(error.Diagnostic.Fix, Does.Contain("ContainerArchiveOutputPath").And.Not.Contain("prune"));
        });
    }

    [Test]
    public void Access_denied_names_the_path_from_the_message()
    {
        var error = Classify(new UnauthorizedAccessException("Access to the path '/var/cache/distroless/blobs' is denied."))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.PermissionDenied));
            Assert.That(error.Diagnostic.Message, Does.StartWith("permission denied: \"/var/cache/distroless/blobs\" (the Distroless cache"));
            Assert.That(error.Diagnostic.Fix, Does.Contain("write access to /var/cache/distroless"));
        });
    }

    [Test]
    public void A_real_file_in_the_way_of_a_directory_is_a_file_system_error_with_one_period()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("cache"), "a file where the cache directory should be");
        var failure = Assert.Catch(() => Directory.CreateDirectory(temp.Combine("cache", "tmp")))!;

        var error = FileSystemErrors.Classify(failure, [FileLocation.Cache(temp.Combine("cache"))])!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Code, Is.EqualTo(DiagnosticCodes.FileSystemError));
            Assert.That(error.Diagnostic.Message, Does.Contain(temp.Combine("cache", "tmp")).And.Contain("(the Distroless cache,"));
            Assert.That(error.Diagnostic.Message, Does.EndWith("'.").Or.EndWith(".").And.Not.EndWith(".."));
        });
    }

    [Test]
    [Platform("Linux")]
    public void A_file_failure_inside_an_HTTP_client_is_still_found()
    {
        var inner = new IOException("No space left on device : '/work/out/image.tar'", 28);

        Assert.That(Classify(new HttpRequestException("Error while copying content to a stream.", inner))?.Code, Is.EqualTo(DiagnosticCodes.DiskFull));
    }

    [Test]
    public void Network_failures_are_not_file_system_failures()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Classify(new IOException("Unable to read data from the transport connection: Connection reset by peer.",
                new SocketException((int)SocketError.ConnectionReset))), Is.Null);
            Assert.That(Classify(new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely.")), Is.Null);
            Assert.That(Classify(new HttpRequestException("Connection refused (127.0.0.1:1)")), Is.Null);
            Assert.That(Classify(new InvalidOperationException("a bug")), Is.Null);
        });
    }

    [Test]
    public void A_path_outside_every_known_place_is_still_named()
    {
        var error = FileSystemErrors.Classify(new UnauthorizedAccessException("Access to the path '/elsewhere/file' is denied."), [Cache])!;

        Assert.That(error.Diagnostic.Message, Does.Contain("\"/elsewhere/file\" (a file this build uses)"));
    }

    [TestCase("Could not find file '/x/.a.tmp'.", "cannot read the image /x/image.tar: Could not find file '/x/.a.tmp'.")]
    [TestCase("it ends here", "cannot read the image /x/image.tar: it ends here.")]
    public void A_reason_that_ends_in_a_period_does_not_double_it(string reason, string expected)
    {
        Assert.Multiple(() =>
        {
            Assert.That(Errors.SourceImageUnusable("/x/image.tar", reason).Diagnostic.Message, Is.EqualTo(expected));
            Assert.That(Errors.Reason(reason + " "), Does.Not.EndWith("."));
        });
    }
}
