using System.Collections.Immutable;

namespace Distroless.Native;

/// <summary>
/// Builds a <see cref="LayerLibraries"/> while a layer is written, so nothing is read twice:
/// a file on disk is inspected in place (random access, a few small reads); a file that
/// arrives as a stream (a .deb's tar entry) is copied aside only when it starts with the ELF
/// magic, and inspected once the layer has consumed it.
/// </summary>
public sealed class LayerLibrariesCollector
{
    private readonly SortedSet<string> _files = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _symlinks = new(StringComparer.Ordinal);
    private readonly List<ElfObject> _objects = [];

    /// <summary>
    /// Notes a regular file; returns the stream the layer should read its content from, which
    /// must then be given to <see cref="FileWritten"/>.
    /// </summary>
    public Stream ObserveFile(string path, Stream content)
    {
        _files.Add(path);
        return content is FileStream or MemoryStream ? content : new ElfCaptureStream(content);
    }

    /// <summary>The content of <paramref name="path"/> has been written from <paramref name="observed"/>.</summary>
    public void FileWritten(string path, Stream observed)
    {
        switch (observed)
        {
            case FileStream file:
                Add(ElfInspector.InspectFile(file.Name, path));
                break;
            case MemoryStream memory:
                memory.Position = 0;
                Add(ElfInspector.Inspect(memory, path));
                break;
            case ElfCaptureStream { Captured: { } bytes }:
                Add(ElfInspector.Inspect(bytes, path));
                break;
        }
    }

    public void AddHardlink(string path) => _files.Add(path);

    public void AddSymlink(string path, string target) => _symlinks[path] = target;

    public LayerLibraries Build() => new()
    {
        Files = [.. _files],
        Symlinks = _symlinks.ToImmutableSortedDictionary(StringComparer.Ordinal),
        Objects = [.. _objects.OrderBy(o => o.Path, StringComparer.Ordinal)],
    };

    private void Add(IEnumerable<ElfObject> objects) => _objects.AddRange(objects);

    /// <summary>Passes a stream through, keeping a copy of it when it turns out to be an ELF file.</summary>
    private sealed class ElfCaptureStream(Stream inner) : Stream
    {
        private readonly byte[] _start = new byte[4];
        private int _startLength;
        private MemoryStream? _copy;
        private bool _decided;

        public byte[]? Captured => _copy?.ToArray();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            Observe(buffer[..read]);
            return read;
        }

        private void Observe(ReadOnlySpan<byte> data)
        {
            if (!_decided)
            {
                var take = Math.Min(4 - _startLength, data.Length);
                data[..take].CopyTo(_start.AsSpan(_startLength));
                _startLength += take;
                if (_startLength < 4 && data.Length > 0)
                {
                    return;
                }

                _decided = true;
                if (ElfReader.HasMagic(_start))
                {
                    _copy = new MemoryStream();
                    _copy.Write(_start, 0, _startLength);
                    _copy.Write(data[take..]);
                }

                return;
            }

            _copy?.Write(data);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
