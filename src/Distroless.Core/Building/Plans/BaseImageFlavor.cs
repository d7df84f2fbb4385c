namespace Distroless.Building;

/// <summary>What a base made on its own (`distroless base --flavor`) is for.</summary>
public enum BaseImageFlavor
{
    /// <summary>The .NET runtime's needs: libc, libstdc++, OpenSSL, ICU.</summary>
    Runtime,

    /// <summary>The runtime's needs without ICU (InvariantGlobalization apps).</summary>
    RuntimeInvariant,

    /// <summary>Native AOT: libc and OpenSSL, no C++ runtime, no ICU.</summary>
    Aot,
}
