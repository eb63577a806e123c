using Coffer.Server.Features.OAuth.Dpop;
using Microsoft.AspNetCore.Http;

namespace Coffer.Server.Tests.OAuth.Dpop;

/// <summary>The URI a proof's htu is compared with: the request as the server sees it, without query, and normalised (RFC 9449 §4.3 item 9).</summary>
public sealed class RequestHtuTests
{
    [Fact]
    public void RequestHtu_RequestWithPathBaseAndQuery_SchemeHostPathBaseAndPathOnly()
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("Coffer.Example:8443");
        context.Request.PathBase = "/coffer";
        context.Request.Path = "/api/v1/tokens/self";
        context.Request.QueryString = new QueryString("?limit=5");

        var htu = DpopProofValidator.RequestHtu(context.Request);

        Assert.Equal("https://coffer.example:8443/coffer/api/v1/tokens/self", htu.ToString());
        Assert.Equal("https://coffer.example:8443/coffer/api/v1/tokens/self", DpopProofValidator.NormaliseHtu(htu));
    }

    [Theory]
    [InlineData("https://coffer.example/a", "https://coffer.example:443/a")]
    [InlineData("http://coffer.example:80/a?b=c#d", "http://coffer.example:80/a")]
    [InlineData("HTTPS://COFFER.example", "https://coffer.example:443/")]
    public void NormaliseHtu_EquivalentSpellings_OneForm(string uri, string expected)
    {
        Assert.Equal(expected, DpopProofValidator.NormaliseHtu(new Uri(uri)));
    }

    [Theory]
    [InlineData("ftp://coffer.example/a")]
    [InlineData("https://user:pass@coffer.example/a")]
    public void NormaliseHtu_NotPlainHttpUri_Null(string uri)
    {
        Assert.Null(DpopProofValidator.NormaliseHtu(new Uri(uri)));
    }

    [Fact]
    public void RequestHtu_NoHostHeader_ReservedInvalidHostNoThrow()
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "https";
        context.Request.Path = "/api/v1/tokens/self";

        Assert.EndsWith(".invalid", DpopProofValidator.RequestHtu(context.Request).Host, StringComparison.Ordinal);
    }
}
