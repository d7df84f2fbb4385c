using System.Text.Json.Serialization;

namespace Distroless.Caching;

/// <summary>
/// Compile-time JSON metadata for the cache records every warm publish reads: building it by
/// reflection on first use costs a fresh MSBuild process tens of milliseconds per type.
/// </summary>
[JsonSerializable(typeof(Layers.CachedLayer))]
[JsonSerializable(typeof(Native.LayerLibraries))]
[JsonSerializable(typeof(Base.NativeImageCheck.CheckedImage))]
[JsonSerializable(typeof(Base.NativeClosure.ResolvedNative))]
[JsonSerializable(typeof(Base.BaseComposer.ResolvedPackage[]))]
internal sealed partial class RecordJsonContext : JsonSerializerContext;
