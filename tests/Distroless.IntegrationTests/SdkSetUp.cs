using NUnit.Framework;

namespace Distroless.IntegrationTests;

/// <summary>Packs Distroless.Sdk from the current sources once per test run (see <see cref="PackedSdk"/>).</summary>
[SetUpFixture]
public sealed class SdkSetUp
{
    [OneTimeSetUp]
    public Task PackAsync() => PackedSdk.EnsurePackedAsync();
}
