using System.Collections.Immutable;
using System.Text.Json;
using Distroless.Oci;

namespace Distroless.Signing;

/// <summary>
/// An in-toto Statement v1: the artifacts it is about (name and SHA-256 digest) and a typed
/// predicate saying something about them. Written compact, members in a fixed order, so the
/// same statement always has the same bytes (and the same signature).
/// </summary>
public sealed record InTotoStatement(ImmutableArray<StatementSubject> Subjects, string PredicateType, byte[] Predicate)
{
    public const string Type = "https://in-toto.io/Statement/v1";

    public byte[] ToJson() => OciJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("_type", Type);
        w.WriteStartArray("subject");
        foreach (var subject in Subjects)
        {
            w.WriteStartObject();
            w.WriteString("name", subject.Name);
            w.WriteStartObject("digest");
            w.WriteString("sha256", subject.Digest.Hex);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("predicateType", PredicateType);
        w.WritePropertyName("predicate");
        w.WriteRawValue(Predicate, skipInputValidation: false);
        w.WriteEndObject();
    });

    /// <summary>Reads a statement; <see cref="FormatException"/> when it is not an in-toto Statement v1 with SHA-256 subjects.</summary>
    public static InTotoStatement Parse(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "_type") != Type)
            {
                throw new FormatException($"it is not an in-toto Statement v1 (_type {Text(root, "_type") ?? "missing"})");
            }

            var subjects = root.GetProperty("subject").EnumerateArray()
                .Select(s => new StatementSubject(Text(s, "name") ?? "",
                    Digest.FromHex(Text(s.GetProperty("digest"), "sha256") ?? throw new FormatException("a subject has no sha256 digest"))))
                .ToImmutableArray();
            var predicate = root.TryGetProperty("predicate", out var p) ? JsonSerializer.SerializeToUtf8Bytes(p) : "{}"u8.ToArray();
            return new InTotoStatement(subjects, Text(root, "predicateType") ?? throw new FormatException("it has no predicateType"), predicate);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"it is not an in-toto statement ({e.Message})", e);
        }
    }

    private static string? Text(JsonElement e, string name)
        => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>An artifact a statement is about: a name for people, the digest that identifies it.</summary>
public sealed record StatementSubject(string Name, Digest Digest);
