using System.Net;
using System.Text.RegularExpressions;
using Coffer.Server.Features.Web;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Web;

public sealed partial class WebAppHostingTests : WebTest
{
    [Fact]
    public async Task Index_Get_ServedWithAppCspUncachedAndNoInlineScript()
    {
        using var response = await BrowserSendAsync(HttpMethod.Get, "/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(WebApp.ContentSecurityPolicy, string.Join(", ", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'", WebApp.ContentSecurityPolicy);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Contains("<div id=\"root\"></div>", html, StringComparison.Ordinal);
        var scripts = ScriptTag().Matches(html);
        Assert.NotEmpty(scripts);
        Assert.All(scripts, m => Assert.Matches("\\ssrc=\"/assets/[^\"]+\\.js\"", m.Value));
        Assert.All(ScriptElement().Matches(html), m => Assert.True(string.IsNullOrWhiteSpace(m.Groups[1].Value), "inline script: " + m.Value));
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(" on[a-z]+=", html);
    }

    [Theory]
    [InlineData("/dashboard")]
    [InlineData("/tokens/abc")]
    [InlineData("/security/sessions")]
    public async Task ClientRoute_Get_ServesIndex(string path)
    {
        using var index = await BrowserSendAsync(HttpMethod.Get, "/");
        using var response = await BrowserSendAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(await index.Content.ReadAsStringAsync(), await response.Content.ReadAsStringAsync());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal(WebApp.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Theory]
    [InlineData("/api/v1/nope")]
    [InlineData("/api")]
    [InlineData("/oauth/nope")]
    [InlineData("/.well-known/nope")]
    [InlineData("/metrics/nope")]
    public async Task ServerPath_Unknown_StaysProblem404(string path)
    {
        using var response = await BrowserSendAsync(HttpMethod.Get, path);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.NotFound, "not-found");
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Asset_Get_ImmutableCacheAndCompressed()
    {
        var js = await AssetPathAsync();

        using var plain = await BrowserSendAsync(HttpMethod.Get, js);
        var brotli = await GetEncodedAsync(js, "gzip, deflate, br");
        var gzip = await GetEncodedAsync(js, "gzip");

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("public, max-age=31536000, immutable", plain.Headers.CacheControl?.ToString());
        Assert.Equal("application/javascript", plain.Content.Headers.ContentType?.MediaType);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        var body = await plain.Content.ReadAsByteArrayAsync();
        Assert.Equal("br", brotli.Encoding);
        Assert.Equal("gzip", gzip.Encoding);
        Assert.True(brotli.Compressed.Length < body.Length / 2);
        Assert.Equal(body, Decompress(brotli.Compressed, s => new System.IO.Compression.BrotliStream(s, System.IO.Compression.CompressionMode.Decompress)));
        Assert.Equal(body, Decompress(gzip.Compressed, s => new System.IO.Compression.GZipStream(s, System.IO.Compression.CompressionMode.Decompress)));
    }

    [Fact]
    public async Task Asset_MissingFile_NotFoundNotIndex()
    {
        using var response = await BrowserSendAsync(HttpMethod.Get, "/assets/index-missing.js");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Favicon_Get_Served()
    {
        using var response = await BrowserSendAsync(HttpMethod.Get, "/favicon.svg");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asset_IfNoneMatch_NotModified()
    {
        var js = await AssetPathAsync();
        using var first = await BrowserSendAsync(HttpMethod.Get, js);
        using var request = new HttpRequestMessage(HttpMethod.Get, js);
        request.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag!.ToString());

        using var second = await Browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task Sealed_AppStillLoads_ApiStays503()
    {
        using (var seal = await SendAsync(HttpMethod.Post, "/api/v1/sys/seal", new { }, AdminToken))
        {
            Assert.True(seal.IsSuccessStatusCode, await seal.Content.ReadAsStringAsync());
        }

        using var index = await BrowserSendAsync(HttpMethod.Get, "/dashboard");
        var js = JsPath(await index.Content.ReadAsStringAsync());
        using var asset = await BrowserSendAsync(HttpMethod.Get, js);
        using var api = await BrowserSendAsync(HttpMethod.Get, "/api/v1/auth/me", bearer: AdminToken);
        using var health = await BrowserSendAsync(HttpMethod.Get, "/api/v1/sys/health");
        using var antiforgery = await BrowserSendAsync(HttpMethod.Get, WebAntiforgery.TokenPath);

        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        await ProblemAssert.AssertAsync(api, HttpStatusCode.ServiceUnavailable, "sealed");
        Assert.True((await BodyAsync(health)).GetProperty("sealed").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, antiforgery.StatusCode);
    }

    private async Task<string> AssetPathAsync()
    {
        using var index = await BrowserSendAsync(HttpMethod.Get, "/");
        return JsPath(await index.Content.ReadAsStringAsync());
    }

    private static string JsPath(string html) => Regex.Match(html, "src=\"(/assets/[^\"]+\\.js)\"").Groups[1].Value;

    private async Task<(string? Encoding, byte[] Compressed)> GetEncodedAsync(string path, string acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        using var response = await Browser.SendAsync(request);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        return (response.Content.Headers.ContentEncoding.SingleOrDefault(), await response.Content.ReadAsByteArrayAsync());
    }

    private static byte[] Decompress(byte[] data, Func<Stream, Stream> open)
    {
        using var input = open(new MemoryStream(data));
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    [GeneratedRegex("<script\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex("<script\\b[^>]*>(.*?)</script>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ScriptElement();
}
