namespace Distroless.IO;

/// <summary>
/// How far one transfer has got, as hosts show it (a progress bar, a log line). Reports for one
/// item come in order; <paramref name="Done"/> grows, except that a retry which starts again
/// (from 0, or from the offset a registry says it holds) reports where it starts again from.
/// </summary>
/// <param name="Operation"><see cref="Upload"/> or <see cref="Download"/>.</param>
/// <param name="Item">What moves: a blob's digest.</param>
/// <param name="Done">Bytes of the item transferred so far.</param>
/// <param name="Total">The item's size; the last report of a finished transfer has Done == Total.</param>
public readonly record struct TransferProgress(string Operation, string Item, long Done, long Total)
{
    public const string Upload = "upload";

    public const string Download = "download";
}
