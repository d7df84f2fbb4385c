using System.Runtime.InteropServices;
using Distroless.Native;

namespace Distroless.Core.Tests.Native;

[Parallelizable(ParallelScope.All)]
public sealed class PInvokeImportsTests
{
    // Declarations the scanner finds in this very assembly (never called).
    [DllImport("libX11")]
    private static extern IntPtr XOpenDisplay(IntPtr name);

    [DllImport("kernel32")]
    private static extern IntPtr GetCurrentProcess();

    [DllImport("libc", EntryPoint = "getpid")]
    private static extern int GetPid();

    [DllImport("/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation")]
    private static extern IntPtr CFRetain(IntPtr value);

    [DllImport("e_sqlite3")]
    private static extern int sqlite3_libversion_number();

    [Test]
    public void Reads_the_module_names_an_assembly_imports_leaving_out_what_no_Linux_image_provides()
    {
        var imports = PInvokeImports.Read([typeof(PInvokeImportsTests).Assembly.Location, Path.ChangeExtension(typeof(PInvokeImportsTests).Assembly.Location, ".deps.json")]);

        Assert.Multiple(() =>
        {
            Assert.That(imports.Keys, Does.Contain("libX11").And.Contain("e_sqlite3"));
            Assert.That(imports.Keys, Has.None.EqualTo("kernel32").And.None.EqualTo("libc").And.None.Contains("CoreFoundation"));
            Assert.That(imports["libX11"], Is.EqualTo(new[] { Path.GetFileName(typeof(PInvokeImportsTests).Assembly.Location) }));
        });
    }

    [TestCase("libX11", new[] { "libX11.so" })]
    [TestCase("e_sqlite3", new[] { "libe_sqlite3.so", "e_sqlite3.so" })]
    [TestCase("libgdiplus.so.0", new[] { "libgdiplus.so.0" })]
    public void Names_become_the_files_dotnet_looks_for(string module, string[] files)
        => Assert.That(PInvokeImports.FileNames(module), Is.EqualTo(files));
}
