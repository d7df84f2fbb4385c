using Distroless.RegistryTests.Support;

namespace Distroless.RegistryTests;

/// <summary>Removes the shared sample projects and cache when the run ends (they are made on first use).</summary>
[SetUpFixture]
public sealed class RegistrySuite
{
    [OneTimeTearDown]
    public void CleanUp() => SharedSample.CleanUp();
}
