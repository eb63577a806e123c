using Coffer.Server.Features.OAuth;

namespace Coffer.Server.Tests.OAuth;

public sealed class RedirectUriTests
{
    [Theory]
    [InlineData("https://tool.example/callback", true)]
    [InlineData("https://tool.example:8443/cb?x=1", true)]
    [InlineData("http://127.0.0.1/callback", true)]
    [InlineData("http://[::1]:4000/callback", true)]
    [InlineData("http://localhost/callback", false)] // RFC 8252 §8.3: loopback IP literals, not the name
    [InlineData("http://tool.example/callback", false)]
    [InlineData("https://tool.example/callback#frag", false)]
    [InlineData("https://user:pw@tool.example/callback", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("/relative", false)]
    [InlineData("https://tool.example/a b", false)]
    [InlineData("", false)]
    public void Registration(string uri, bool allowed) => Assert.Equal(allowed, RedirectUris.Problem(uri) is null);

    [Theory]
    [InlineData("https://tool.example/callback", true)]
    [InlineData("https://tool.example/callback/", false)]
    [InlineData("https://TOOL.example/callback", false)]
    [InlineData("https://tool.example/callback?x=1", false)]
    [InlineData("https://tool.example:443/callback", false)]
    [InlineData("https://tool.example/callbacks", false)]
    [InlineData("http://127.0.0.1:51234/native", true)] // only the loopback port may vary
    [InlineData("http://127.0.0.1/native", true)]
    [InlineData("http://127.0.0.1:51234/other", false)]
    [InlineData("http://[::1]:51234/native", false)]
    [InlineData("https://127.0.0.1:51234/native", false)]
    public void Matching_IsExact_ButForTheLoopbackPort(string presented, bool matches) =>
        Assert.Equal(matches, RedirectUris.Matches(["https://tool.example/callback", "http://127.0.0.1/native"], presented));

    [Fact]
    public void ResponseParameters_AreEscapedAndKeepAnExistingQuery()
    {
        Assert.Equal("https://a.example/cb?code=x%2By&state=a%20b", RedirectUris.With("https://a.example/cb", [new("code", "x+y"), new("state", "a b"), new("none", null)]));
        Assert.Equal("https://a.example/cb?k=v&code=1", RedirectUris.With("https://a.example/cb?k=v", [new("code", "1")]));
    }
}
