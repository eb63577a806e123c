using System.Collections.Frozen;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;

namespace Coffer.Server.Features.Web;

/// <summary>One file of the built web app, as embedded in this assembly, with its compressed forms made on first use.</summary>
internal sealed class WebAsset
{
    private readonly Lazy<byte[]> _gzip;
    private readonly Lazy<byte[]> _brotli;

    public WebAsset(string path, byte[] content)
    {
        Path = path;
        Content = content;
        ContentType = ContentTypeOf(path);
        ETag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 16)) + "\"";
        _gzip = new Lazy<byte[]>(() => Compress(content, s => new GZipStream(s, CompressionLevel.SmallestSize, leaveOpen: true)));
        _brotli = new Lazy<byte[]>(() => Compress(content, s => new BrotliStream(s, CompressionLevel.SmallestSize, leaveOpen: true)));
    }

    /// <summary>The URL path, e.g. <c>/assets/index-CWxtSZwa.js</c>.</summary>
    public string Path { get; }

    public byte[] Content { get; }

    public string ContentType { get; }

    /// <summary>A strong validator over the content (RFC 9110 §8.8.3), the same for every encoding's representation but suffixed per encoding.</summary>
    public string ETag { get; }

    /// <summary>Text formats worth compressing; images and fonts are compressed already or too small to matter.</summary>
    public bool Compressible => ContentType.StartsWith("text/", StringComparison.Ordinal) || ContentType.StartsWith("application/javascript", StringComparison.Ordinal)
        || ContentType.StartsWith("image/svg+xml", StringComparison.Ordinal) || ContentType.StartsWith("application/json", StringComparison.Ordinal);

    public byte[] Gzip => _gzip.Value;

    public byte[] Brotli => _brotli.Value;

    private static byte[] Compress(byte[] content, Func<Stream, Stream> wrap)
    {
        using var output = new MemoryStream();
        using (var compressor = wrap(output))
        {
            compressor.Write(content);
        }

        return output.ToArray();
    }

    private static string ContentTypeOf(string path) => System.IO.Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "application/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".webp" => "image/webp",
        ".woff2" => "font/woff2",
        ".woff" => "font/woff",
        ".json" or ".map" => "application/json; charset=utf-8",
        ".webmanifest" => "application/manifest+json",
        ".txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
}

/// <summary>
/// The web app's files, read once from this assembly's resources (the build embeds <c>web/dist/**</c> as
/// <c>web/&lt;path&gt;</c>, see Coffer.Server.csproj): no files on disk to lose, swap or serve from the wrong version.
/// </summary>
internal sealed class WebAssets
{
    private const string Prefix = "web/";

    private static readonly Lazy<WebAssets> Embedded = new(() => new WebAssets(typeof(WebAssets).Assembly));

    internal WebAssets(Assembly assembly)
    {
        var files = new Dictionary<string, WebAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var path = "/" + name[Prefix.Length..].Replace('\\', '/');
            files[path] = new WebAsset(path, buffer.ToArray());
        }

        Files = files.ToFrozenDictionary(StringComparer.Ordinal);
        Index = Files.GetValueOrDefault("/index.html");
    }

    /// <summary>This assembly's files, shared by every server in the process (the content and its compressed forms are the same).</summary>
    public static WebAssets Shared => Embedded.Value;

    public FrozenDictionary<string, WebAsset> Files { get; }

    /// <summary>The app's shell, served for every client-side route; null only in a build without the web app.</summary>
    public WebAsset? Index { get; }
}
