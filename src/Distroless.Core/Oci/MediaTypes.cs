namespace Distroless.Oci;

public static class MediaTypes
{
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";
    public const string ImageConfig = "application/vnd.oci.image.config.v1+json";
    public const string LayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string LayerTar = "application/vnd.oci.image.layer.v1.tar";

    /// <summary>The empty config of OCI 1.1 artifacts: the two bytes "{}".</summary>
    public const string Empty = "application/vnd.oci.empty.v1+json";
}
