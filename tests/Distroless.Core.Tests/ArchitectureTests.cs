using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Distroless.Building;
using Distroless.Core.Tests.TestSupport;

namespace Distroless.Core.Tests;

/// <summary>
/// The core stays a library every host can use: no MSBuild, command-line or console UI
/// dependency, and no ambient inputs (environment variables, the clock) read behind the
/// caller's back; hosts pass them in (<see cref="HostDefaults"/>, TimeProvider).
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed partial class ArchitectureTests
{
    private static readonly Assembly Core = typeof(Containerizer).Assembly;

    private static bool IsHostOnly(string name)
        => name.StartsWith("Microsoft.Build", StringComparison.Ordinal)
            || name.StartsWith("System.CommandLine", StringComparison.Ordinal)
            || name.StartsWith("Spectre.", StringComparison.Ordinal);

    [Test]
    public void The_core_references_no_host_assembly()
        => Assert.That(Core.GetReferencedAssemblies().Select(a => a.Name!).Where(IsHostOnly), Is.Empty);

    [Test]
    public void Nor_does_anything_it_brings_along()
    {
        var runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<Assembly>([Core]);
        var offenders = new List<string>();
        while (pending.TryDequeue(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (!seen.Add(reference.Name!))
                {
                    continue;
                }

                if (IsHostOnly(reference.Name!))
                {
                    offenders.Add($"{assembly.GetName().Name} → {reference.Name}");
                    continue;
                }

                var loaded = Assembly.Load(reference);
                if (!loaded.Location.StartsWith(runtime, StringComparison.Ordinal))
                {
                    pending.Enqueue(loaded);
                }
            }
        }

        Assert.That(offenders, Is.Empty);
    }

    [GeneratedRegex(@"\bGetEnvironmentVariables?\s*\(")]
    private static partial Regex EnvironmentRead();

    [GeneratedRegex(@"\bDateTime(Offset)?\s*\.\s*(Utc)?Now\b")]
    private static partial Regex ClockRead();

    [Test]
    public void No_core_source_reads_the_environment()
        => Assert.That(Offending(EnvironmentRead()), Is.Empty, "pass a lookup function in, as HostDefaults takes one");

    [Test]
    public void No_core_source_reads_the_clock()
        => Assert.That(Offending(ClockRead()), Is.Empty, "take a TimeProvider, or the build's SOURCE_DATE_EPOCH");

    [Test]
    public void The_scan_sees_the_core_sources()
        => Assert.That(RepositoryFiles.SourceFiles("src/Distroless.Core"), Does.Contain("src/Distroless.Core/Building/Project/HostDefaults.cs"));

    private static IEnumerable<string> Offending(Regex pattern) => RepositoryFiles.SourceFiles("src/Distroless.Core")
        .Where(file => pattern.IsMatch(File.ReadAllText(RepositoryFiles.PathOf(file))));
}
