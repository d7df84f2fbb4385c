namespace Distroless.Building;

/// <summary>A port the image exposes (ContainerPort): a number and tcp or udp.</summary>
public sealed record ContainerPort(int Number, PortProtocol Protocol = PortProtocol.Tcp)
{
    /// <summary>Whether the number is one a port can have (the validator's check).</summary>
    public bool IsValid => Number is >= 1 and <= 65535 && Enum.IsDefined(Protocol);

    /// <summary>The image config's ExposedPorts key: "8080/tcp".</summary>
    public override string ToString() => $"{Number}/{Protocol.ToString().ToLowerInvariant()}";
}

public enum PortProtocol
{
    Tcp,
    Udp,
}
