using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Distroless.Compression;
using Distroless.Debian;

namespace Distroless.Testing;

/// <summary>
/// A signed Debian archive in memory, served through <see cref="Handler"/>: for every suite
/// <c>dists/&lt;suite&gt;/InRelease</c> (clear-signed by the archive's keys), the Packages
/// indexes (.gz and .xz by default, listed with size and SHA256 and also served under
/// <c>by-hash/SHA256/&lt;hex&gt;</c>), and every .deb under <c>pool/</c>. Files are laid out on
/// the first request (or <see cref="Publish"/>); the tamper methods then change what is served.
/// </summary>
public sealed class FakeDebianArchive
{
    public static readonly Uri DefaultBaseUri = new("http://archive.test/debian/");

    private readonly List<FakeSuite> _suites = [];
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HttpStatusCode> _statuses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private readonly object _publishLock = new();
    private volatile bool _published;

    /// <summary>An archive signed by <paramref name="signers"/> (default: <see cref="TestKeys.Archive"/>).</summary>
    public FakeDebianArchive(params TestSigningKey[] signers)
        : this(DefaultBaseUri, signers)
    {
    }

    public FakeDebianArchive(Uri baseUri, params TestSigningKey[] signers)
    {
        BaseUri = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        Signers = signers.Length > 0 ? signers : [TestKeys.Archive];
        Handler = new FakeArchiveHandler([this]);
    }

    /// <summary>The archive root (holding dists/ and pool/), ending with '/'.</summary>
    public Uri BaseUri { get; }

    public IReadOnlyList<TestSigningKey> Signers { get; }

    /// <summary>When InRelease files are signed (default: 2026-07-11, a fixed time).</summary>
    public DateTime SignedAt { get; set; } = new(2026, 7, 11, 10, 17, 12, DateTimeKind.Utc);

    /// <summary>A keyring trusting exactly the signers.</summary>
    public DebianKeyring Keyring => TestSigningKey.KeyringOf([.. Signers]);

    /// <summary>Serves the archive under <see cref="BaseUri"/>; 404 for anything else.</summary>
    public HttpMessageHandler Handler { get; }

    public IReadOnlyList<FakeSuite> Suites => _suites;

    /// <summary>Every path served, relative to <see cref="BaseUri"/>.</summary>
    public IReadOnlyCollection<string> Paths
    {
        get
        {
            Publish();
            return _files.Keys.Order(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Requests per relative path, 404s included.</summary>
    public IReadOnlyDictionary<string, int> RequestCounts => new Dictionary<string, int>(_requests, StringComparer.Ordinal);

    public int TotalRequests => _requests.Values.Sum();

    public FakeSuite AddSuite(string name, string? codename = null, DateTimeOffset? validUntil = null)
    {
        ThrowIfPublished();
        var suite = new FakeSuite(this, name, codename ?? name) { ValidUntil = validUntil };
        _suites.Add(suite);
        return suite;
    }

    public FakeSuite Suite(string name) => _suites.Single(s => s.Name == name);

    /// <summary>The product's view of a suite of this archive.</summary>
    public ArchiveSuite ArchiveSuite(string name) => new(BaseUri, name);

    public HttpClient CreateClient() => new(Handler, disposeHandler: false);

    public Uri UriOf(string path) => new(BaseUri, path);

    public int RequestCount(string path) => _requests.TryGetValue(path, out var n) ? n : 0;

    /// <summary>The bytes served at <paramref name="path"/>.</summary>
    public byte[] Get(string path)
    {
        Publish();
        return _files.TryGetValue(path, out var content) ? content : throw new KeyNotFoundException(path);
    }

    /// <summary>Lays out every file. Suites and packages cannot be added afterwards.</summary>
    public void Publish()
    {
        if (_published)
        {
            return;
        }

        lock (_publishLock)
        {
            if (_published)
            {
                return;
            }

            foreach (var suite in _suites)
            {
                PublishSuite(suite);
            }

            _published = true;
        }
    }

    /// <summary>Serves <paramref name="content"/> at <paramref name="path"/> from now on.</summary>
    public void Replace(string path, byte[] content)
    {
        Publish();
        _files[path] = content;
    }

    public void Remove(string path)
    {
        Publish();
        _files.TryRemove(path, out _);
    }

    /// <summary>Answers <paramref name="path"/> with <paramref name="status"/> and no body from now on.</summary>
    public void SetStatus(string path, HttpStatusCode status) => _statuses[path] = status;

    /// <summary>Changes one byte of the signed text of the suite's InRelease (its Description line), keeping the signature.</summary>
    public void TamperInRelease(string suite)
    {
        var path = $"dists/{suite}/InRelease";
        var bytes = Get(path).ToArray();
        var at = bytes.AsSpan().IndexOf("\nDescription: "u8) + "\nDescription: ".Length;
        bytes[at] ^= 0x20;
        Replace(path, bytes);
    }

    /// <summary>Flips one byte in the middle of the package's .deb (size unchanged, SHA256 no longer matching).</summary>
    public void CorruptDeb(string packageName, string? version = null)
    {
        var package = _suites.SelectMany(s => s.Packages)
            .First(p => p.Name == packageName && (version is null || p.Version == version));
        Replace(package.Filename, Flip(Get(package.Filename)));
    }

    /// <summary>Flips one byte of a served Packages file, at its path and its by-hash path.</summary>
    public void CorruptIndex(string suite, string architecture, CompressionFormat format)
    {
        var path = Suite(suite).IndexPath(architecture, format);
        var original = Get(path);
        var corrupt = Flip(original);
        Replace(path, corrupt);
        var byHash = ByHashPath(path, original);
        if (_files.ContainsKey(byHash))
        {
            Replace(byHash, corrupt);
        }
    }

    /// <summary>Flips one byte of the suite's served Contents index, at its path and its by-hash path.</summary>
    public void CorruptContents(string suite, string architecture)
    {
        var path = Suite(suite).ContentsPath(architecture);
        var original = Get(path);
        Replace(path, Flip(original));
        Replace(ByHashPath(path, original), Flip(original));
    }

    /// <summary>by-hash/SHA256/&lt;hex&gt; beside the index at <paramref name="path"/>.</summary>
    public static string ByHashPath(string path, byte[] content)
        => path[..(path.LastIndexOf('/') + 1)] + "by-hash/SHA256/" + Convert.ToHexStringLower(SHA256.HashData(content));

    internal void ThrowIfPublished()
    {
        if (_published)
        {
            throw new InvalidOperationException("the archive is already published; add suites and packages first");
        }
    }

    internal HttpResponseMessage Respond(HttpRequestMessage request, string path)
    {
        Publish();
        _requests.AddOrUpdate(path, 1, (_, n) => n + 1);
        if (_statuses.TryGetValue(path, out var status))
        {
            return new HttpResponseMessage(status) { RequestMessage = request };
        }

        if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
        {
            return new HttpResponseMessage(HttpStatusCode.MethodNotAllowed) { RequestMessage = request };
        }

        if (!_files.TryGetValue(path, out var content))
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request };
        }

        var body = new ByteArrayContent(request.Method == HttpMethod.Head ? [] : content);
        body.Headers.ContentLength = content.Length;
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = body, RequestMessage = request };
    }

    private void PublishSuite(FakeSuite suite)
    {
        var listed = new List<(string RelativePath, byte[] Content)>();
        foreach (var architecture in suite.EffectiveArchitectures)
        {
            var text = Encoding.UTF8.GetBytes(suite.PackagesText(architecture));
            foreach (var format in suite.IndexFormats)
            {
                var path = suite.IndexPath(architecture, format);
                var content = TestCompression.Compress(text, format);
                _files[path] = content;
                if (suite.AcquireByHash)
                {
                    _files[ByHashPath(path, content)] = content;
                }

                listed.Add((path[$"dists/{suite.Name}/".Length..], content));
            }
        }

        foreach (var architecture in suite.Contents ? suite.EffectiveArchitectures : [])
        {
            var path = suite.ContentsPath(architecture);
            var content = TestCompression.Compress(Encoding.UTF8.GetBytes(suite.ContentsText(architecture)), CompressionFormat.Gzip);
            _files[path] = content;
            if (suite.AcquireByHash)
            {
                _files[ByHashPath(path, content)] = content;
            }

            listed.Add((path[$"dists/{suite.Name}/".Length..], content));
        }

        foreach (var package in suite.Packages)
        {
            _files[package.Filename] = package.Deb;
        }

        var inRelease = TestSigningKey.ClearSign(ReleaseText(suite, listed), Signers, signedAt: SignedAt);
        _files[$"dists/{suite.Name}/InRelease"] = Encoding.UTF8.GetBytes(inRelease);
    }

    private static string ReleaseText(FakeSuite suite, List<(string RelativePath, byte[] Content)> listed)
    {
        var text = new StringBuilder();
        text.Append("Origin: ").Append(suite.Origin).Append('\n');
        text.Append("Label: ").Append(suite.Origin).Append('\n');
        text.Append("Suite: ").Append(suite.Name).Append('\n');
        text.Append("Codename: ").Append(suite.Codename).Append('\n');
        text.Append("Date: ").Append(FormatDate(suite.Date)).Append('\n');
        if (suite.ValidUntil is { } validUntil)
        {
            text.Append("Valid-Until: ").Append(FormatDate(validUntil)).Append('\n');
        }

        if (suite.AcquireByHash)
        {
            text.Append("Acquire-By-Hash: yes\n");
        }

        text.Append("No-Support-for-Architecture-all: Packages\n");
        text.Append("Architectures: ").Append(string.Join(' ', suite.EffectiveArchitectures.Prepend("all"))).Append('\n');
        text.Append("Components: ").Append(suite.Component).Append('\n');
        text.Append("Description: Fake Debian archive for tests\n");
        text.Append("MD5Sum:\n");
        foreach (var (path, content) in listed)
        {
            text.Append(CultureInfo.InvariantCulture, $" {Convert.ToHexStringLower(MD5.HashData(content))} {content.Length,16} {path}\n");
        }

        text.Append("SHA256:\n");
        foreach (var (path, content) in listed)
        {
            text.Append(CultureInfo.InvariantCulture, $" {Convert.ToHexStringLower(SHA256.HashData(content))} {content.Length,16} {path}\n");
        }

        return text.ToString();
    }

    /// <summary>RFC 2822 in UTC, as dak writes it: "Sat, 11 Jul 2026 10:16:37 UTC".</summary>
    public static string FormatDate(DateTimeOffset date)
        => date.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static byte[] Flip(byte[] content)
    {
        var copy = content.ToArray();
        copy[copy.Length / 2] ^= 0xff;
        return copy;
    }
}
