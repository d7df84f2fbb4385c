namespace Distroless.Building;

/// <summary>ContainerAppCommandInstruction: where the app command goes in the image's config.</summary>
public enum AppCommandInstruction
{
    /// <summary>The app command is the Entrypoint; ContainerDefaultArgs are the Cmd.</summary>
    Entrypoint,

    /// <summary>The app command is the Cmd (followed by ContainerDefaultArgs); the base's Entrypoint stays.</summary>
    DefaultArgs,

    /// <summary>Neither is set from the app: the Entrypoint is empty, ContainerDefaultArgs are the Cmd.</summary>
    None,
}
