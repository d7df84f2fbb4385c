using System.Collections.Immutable;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Distroless.Oci;

/// <summary>
/// Writes OCI JSON documents with a fixed member order, no insignificant whitespace and
/// ordinal-sorted maps: the digest of a document is a function of its value alone.
/// </summary>
public static class OciJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = false,
        // Keep '+', '<', '&' etc. as they are: registries and other writers do the same.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Serialize(ImageConfig config) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("created", FormatTime(config.Created));
        w.WriteString("architecture", config.Platform.Architecture);
        w.WriteString("os", config.Platform.Os);
        if (config.Platform.Variant is { } variant)
        {
            w.WriteString("variant", variant);
        }

        w.WriteStartObject("config");
        if (config.User is { } user)
        {
            w.WriteString("User", user);
        }

        if (config.ExposedPorts.Count > 0)
        {
            w.WriteStartObject("ExposedPorts");
            foreach (var port in config.ExposedPorts)
            {
                w.WriteStartObject(port);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        WriteStrings(w, "Env", config.Env);
        WriteStrings(w, "Entrypoint", config.Entrypoint);
        WriteStrings(w, "Cmd", config.Cmd);
        if (config.WorkingDir is { } workingDir)
        {
            w.WriteString("WorkingDir", workingDir);
        }

        WriteMap(w, "Labels", config.Labels);
        w.WriteEndObject();

        w.WriteStartObject("rootfs");
        w.WriteString("type", "layers");
        w.WriteStartArray("diff_ids");
        foreach (var diffId in config.DiffIds)
        {
            w.WriteStringValue(diffId.ToString());
        }

        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartArray("history");
        foreach (var entry in config.History)
        {
            w.WriteStartObject();
            w.WriteString("created", FormatTime(entry.Created));
            w.WriteString("created_by", entry.CreatedBy);
            if (entry.EmptyLayer)
            {
                w.WriteBoolean("empty_layer", true);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static byte[] Serialize(ImageManifest manifest) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", 2);
        w.WriteString("mediaType", MediaTypes.ImageManifest);
        if (manifest.ArtifactType is { } artifactType)
        {
            w.WriteString("artifactType", artifactType);
        }

        w.WritePropertyName("config");
        WriteDescriptor(w, manifest.Config);
        w.WriteStartArray("layers");
        foreach (var layer in manifest.Layers)
        {
            WriteDescriptor(w, layer);
        }

        w.WriteEndArray();
        if (manifest.Subject is { } subject)
        {
            w.WritePropertyName("subject");
            WriteDescriptor(w, subject);
        }

        WriteMap(w, "annotations", manifest.Annotations);
        w.WriteEndObject();
    });

    public static byte[] Serialize(ImageIndex index) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", 2);
        w.WriteString("mediaType", MediaTypes.ImageIndex);
        w.WriteStartArray("manifests");
        foreach (var manifest in index.Manifests)
        {
            WriteDescriptor(w, manifest);
        }

        w.WriteEndArray();
        WriteMap(w, "annotations", index.Annotations);
        w.WriteEndObject();
    });

    public static void WriteDescriptor(Utf8JsonWriter w, Descriptor descriptor)
    {
        w.WriteStartObject();
        w.WriteString("mediaType", descriptor.MediaType);
        if (descriptor.ArtifactType is { } artifactType)
        {
            w.WriteString("artifactType", artifactType);
        }

        w.WriteString("digest", descriptor.Digest.ToString());
        w.WriteNumber("size", descriptor.Size);
        if (descriptor.Platform is { } platform)
        {
            w.WriteStartObject("platform");
            w.WriteString("architecture", platform.Architecture);
            w.WriteString("os", platform.Os);
            if (platform.Variant is { } variant)
            {
                w.WriteString("variant", variant);
            }

            w.WriteEndObject();
        }

        WriteMap(w, "annotations", descriptor.Annotations);
        w.WriteEndObject();
    }

    /// <summary>RFC 3339 in UTC with whole seconds, e.g. 1970-01-01T00:00:00Z.</summary>
    public static string FormatTime(DateTimeOffset time)
        => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return buffer.ToArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, ImmutableArray<string> values)
    {
        if (values.IsDefaultOrEmpty)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    /// <summary>A string map as an object with ordinal-sorted keys; nothing when it is null or empty.</summary>
    public static void WriteMap(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string>? map)
    {
        if (map is null || map.Count == 0)
        {
            return;
        }

        w.WriteStartObject(name);
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
    }
}
