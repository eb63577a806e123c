using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace Coffer.Server.Features.Web;

/// <summary>
/// Serves the embedded web app from the same origin as the API: the files under <c>/assets</c> (content-hashed by Vite,
/// so cached for a year and immutable), the top-level files (<c>/favicon.svg</c>), and <c>index.html</c> for every other
/// GET of a path without a file extension outside the server's own prefixes (the app's client-side routes). Runs before
/// the seal gate and authentication: the app holds no secrets and shows the sealed state from /api/v1/sys/health.
/// </summary>
internal static class WebApp
{
    /// <summary>
    /// The app's policy: everything from this origin only, no inline script or style (OWASP CSP cheat sheet), images also
    /// as data: URIs (QR codes), no plugins, no &lt;base&gt;, forms only to this origin, never framed. API responses keep
    /// <c>default-src 'none'</c> (Hosting/SecurityHeaders.cs).
    /// </summary>
    public const string ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public const string ImmutableCache = "public, max-age=31536000, immutable";

    /// <summary>Paths the app never answers: the API and the server's other endpoints keep their own 404s.</summary>
    private static readonly string[] ServerPrefixes = ["/api", "/oauth", "/.well-known", "/openapi", "/metrics"];

    public static IApplicationBuilder UseWebApp(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && Resolve(WebAssets.Shared, request.Path.Value ?? "/") is { } asset)
        {
            await ServeAsync(context, asset.File, asset.Shell);
            return;
        }

        await next(context);
    });

    /// <summary>The file for a path, or the shell (index.html) for a client-side route; null for everything else.</summary>
    internal static (WebAsset File, bool Shell)? Resolve(WebAssets assets, string path)
    {
        if (IsServerPath(path))
        {
            return null;
        }

        if (assets.Index is not { } index)
        {
            return null;
        }

        if (path is "/" or "/index.html")
        {
            return (index, true);
        }

        if (assets.Files.TryGetValue(path, out var file))
        {
            return (file, false);
        }

        // A path with an extension names a file: a missing one is a 404, never the shell (a stale asset URL must fail
        // loudly rather than load HTML as script). The last segment decides: /tokens/acc_1 is a route, /x.js a file.
        var last = path[(path.LastIndexOf('/') + 1)..];
        return last.Contains('.', StringComparison.Ordinal) ? null : (index, true);
    }

    private static bool IsServerPath(string path)
    {
        foreach (var prefix in ServerPrefixes)
        {
            if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && (path.Length == prefix.Length || path[prefix.Length] == '/'))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task ServeAsync(HttpContext context, WebAsset asset, bool shell)
    {
        var response = context.Response;
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;

        // The shell is never cached, so a new release's asset names are picked up at the next load; the hashed assets
        // never change under their name. Other top-level files are revalidated by their ETag.
        headers.CacheControl = shell ? "no-store" : asset.Path.StartsWith("/assets/", StringComparison.Ordinal) ? ImmutableCache : "no-cache";
        if (shell)
        {
            // A browsing context of its own: no window opened by or opening this one keeps a reference to it.
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
        }

        var (body, encoding) = Choose(context.Request, asset);
        if (asset.Compressible)
        {
            headers.Vary = HeaderNames.AcceptEncoding;
        }

        var etag = encoding is null ? asset.ETag : asset.ETag[..^1] + "-" + encoding + "\"";
        headers.ETag = etag;
        if (!shell && context.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == etag || t.Trim() == "*")))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = asset.ContentType;
        if (encoding is not null)
        {
            headers.ContentEncoding = encoding;
        }

        response.ContentLength = body.Length;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>Brotli, else gzip, when the client accepts it (RFC 9110 §12.5.3) and the file is text; else identity.</summary>
    private static (byte[] Body, string? Encoding) Choose(HttpRequest request, WebAsset asset)
    {
        if (!asset.Compressible || asset.Content.Length < 1024)
        {
            return (asset.Content, null);
        }

        var accepted = request.Headers.AcceptEncoding.ToString();
        if (Accepts(accepted, "br"))
        {
            return (asset.Brotli, "br");
        }

        return Accepts(accepted, "gzip") ? (asset.Gzip, "gzip") : (asset.Content, null);
    }

    private static bool Accepts(string header, string coding)
    {
        foreach (var part in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(';', StringSplitOptions.TrimEntries);
            if (!pieces[0].Equals(coding, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var q = pieces.Skip(1).FirstOrDefault(p => p.StartsWith("q=", StringComparison.OrdinalIgnoreCase));
            return q is null || !double.TryParse(q[2..], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) || weight > 0;
        }

        return false;
    }
}
