using Coffer.Server.Features.Tokens;

namespace Coffer.Server.Tests.Tokens;

public sealed class TokenFormatTests
{
    [Theory]
    [InlineData("trader")]
    [InlineData("session")]
    [InlineData("api")]
    [InlineData("credential")]
    [InlineData("oauth")]
    [InlineData("wrap")]
    public void Create_EveryKind_ParsesBackWithItsKind(string kind)
    {
        var token = TokenFormat.Create(kind);

        Assert.True(TokenFormat.TryParse(token, out var parsed));
        Assert.Equal(kind, parsed);
        Assert.Matches($"^cof_{kind}_[0-9A-Za-z]{{43}}_[0-9A-Za-z]{{6}}$", token);
    }

    [Fact]
    public void TryParse_AnySingleCharacterChanged_Refused()
    {
        var token = TokenFormat.Create("api");
        for (var i = 0; i < token.Length; i++)
        {
            var chars = token.ToCharArray();
            chars[i] = chars[i] == 'a' ? 'b' : 'a';
            Assert.False(TokenFormat.TryParse(new string(chars), out _), $"changed at {i}");
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("cof_")]
    [InlineData("cof_root_0000000000000000000000000000000000000000000_000000")]
    [InlineData("cof_api__")]
    [InlineData("Bearer cof_api_x")]
    public void TryParse_Malformed_Refused(string? token) => Assert.False(TokenFormat.TryParse(token, out _));

    [Fact]
    public void TryParse_TruncatedOrExtended_Refused()
    {
        var token = TokenFormat.Create("session");

        Assert.False(TokenFormat.TryParse(token[..^1], out _));
        Assert.False(TokenFormat.TryParse(token + "0", out _));
        Assert.False(TokenFormat.TryParse(token.Replace("_", "-", StringComparison.Ordinal), out _));
    }

    [Fact]
    public void Create_Twice_DiffersAndAccessorsAreUnrelated()
    {
        var (a, b) = (TokenFormat.Create("api"), TokenFormat.Create("api"));

        Assert.NotEqual(a, b);
        Assert.NotEqual(TokenFormat.Hash(a), TokenFormat.Hash(b));
        Assert.Matches("^acc_[0-9A-Za-z]{22}$", TokenFormat.CreateAccessor());
    }
}
