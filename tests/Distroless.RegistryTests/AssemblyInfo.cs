using System.Runtime.Versioning;

// docker-registry, skopeo and the credential helper scripts are Linux programs.
[assembly: SupportedOSPlatform("linux")]

// Every test starts its own registry, issuer and proxy on free ports with its own directory,
// so tests run in parallel; most of their time is spent waiting on child processes.
[assembly: Parallelizable(ParallelScope.All)]
[assembly: LevelOfParallelism(4)]
