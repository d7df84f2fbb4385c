using System.Text;
using Distroless.Core.Tests.TestSupport;
using Distroless.Native;
using Distroless.Testing;

namespace Distroless.Core.Tests.Native;

[Parallelizable(ParallelScope.All)]
public sealed class SingleFileBundleTests
{
    [Test]
    public void The_native_libraries_inside_a_bundle_are_inspected_stored_or_compressed()
    {
        var skia = ElfBuilder.Library("libSkiaSharp.so", "libfontconfig.so.1").Build();
        var sqlite = ElfBuilder.Library("libe_sqlite3.so", "libc.so.6").Build();
        var bundle = FakeBundle.Create(
            ("app.dll", Encoding.UTF8.GetBytes("MZ app"), 1, false),
            ("libSkiaSharp.so", skia, 2, true),
            ("runtimes/linux-x64/native/libe_sqlite3.so", sqlite, 2, false));

        var objects = ElfInspector.Inspect(bundle, "app/app");

        Assert.That(objects.Select(o => $"{o.Path}: {string.Join(' ', o.Needed)}"), Is.EqualTo(new[]
        {
            "app/app: libc.so.6",
            "app/app!/libSkiaSharp.so: libfontconfig.so.1",
            "app/app!/runtimes/linux-x64/native/libe_sqlite3.so: libc.so.6",
        }));
    }

    [Test]
    public void A_plain_apphost_whose_marker_has_no_manifest_offset_is_no_bundle()
    {
        var apphost = new ElfBuilder { Interpreter = "/lib64/ld-linux-x86-64.so.2", Trailer = [.. new byte[8], .. FakeBundle.Marker] }.Build();

        Assert.That(ElfInspector.Inspect(apphost, "app/app").Select(o => o.Path), Is.EqualTo(new[] { "app/app" }));
    }

    [Test]
    public void A_bundle_on_disk_is_read_in_place()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("app");
        File.WriteAllBytes(path, FakeBundle.Create(("libfoo.so", ElfBuilder.Library("libfoo.so", "libbar.so.2").Build(), 2, true)));

        var objects = ElfInspector.InspectFile(path, "app/app");

        Assert.That(objects.Select(o => o.Path), Is.EqualTo(new[] { "app/app", "app/app!/libfoo.so" }));
    }
}
