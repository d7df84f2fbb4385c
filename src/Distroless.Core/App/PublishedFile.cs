namespace Distroless.App;

/// <summary>A file of the publish output: where it is now, and its path relative to the app directory.</summary>
public sealed record PublishedFile(string SourcePath, string RelativePath);
