using System.Text.Json;
using Coffer.Server.Features.OAuth.Dpop;

namespace Coffer.Server.Tests.OAuth.Dpop;

/// <summary>RFC 7638 thumbprints and the public-key checks of RFC 9449 §4.3 item 7, with the published vectors (security.md §1.4).</summary>
public sealed class JwkThumbprintTests
{
    /// <summary>RFC 7638 §3.1's example RSA key.</summary>
    private const string RsaExample = """
        {"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}
        """;

    /// <summary>The proof key of RFC 9449's example DPoP header.</summary>
    private const string EcExample = """{"kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA","crv":"P-256"}""";

    [Fact]
    public void Compute_Rfc7638RsaExample_MatchesPublishedThumbprint()
    {
        Assert.Equal("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", JwkThumbprint.Compute(RsaExample, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void Compute_Rfc9449EcExample_MatchesPublishedJkt()
    {
        Assert.Equal("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I", JwkThumbprint.Compute(EcExample, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void AccessTokenHash_Rfc9449Example_MatchesPublishedAth()
    {
        Assert.Equal("fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo", DpopProofValidator.AccessTokenHash("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"));
    }

    [Theory]
    [InlineData("P-256")]
    [InlineData("P-384")]
    [InlineData("P-521")]
    [InlineData("RSA")]
    public void Compute_GeneratedKey_MatchesIndependentCanonicalHash(string kind)
    {
        using var key = kind == "RSA" ? DpopKey.Rsa() : DpopKey.Ec(kind);
        Assert.Equal(key.Thumbprint, JwkThumbprint.Compute(key.PublicJwk().ToJsonString(), out _));
    }

    [Theory]
    [InlineData("d")]
    [InlineData("p")]
    [InlineData("q")]
    [InlineData("dp")]
    [InlineData("dq")]
    [InlineData("qi")]
    [InlineData("oth")]
    [InlineData("k")]
    public void Read_PrivateMember_Refused(string member)
    {
        using var key = DpopKey.Ec();
        var jwk = key.PublicJwk();
        jwk[member] = "AQAB";
        using var document = JsonDocument.Parse(jwk.ToJsonString());

        Assert.Null(JwkThumbprint.Read(document.RootElement, out var error));
        Assert.Contains($"'{member}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RealPrivateEcAndRsaKeys_Refused()
    {
        using var ec = DpopKey.Ec();
        using var rsa = DpopKey.Rsa();
        Assert.Null(JwkThumbprint.Compute(ec.PrivateJwk().ToJsonString(), out _));
        Assert.Null(JwkThumbprint.Compute(rsa.PrivateJwk().ToJsonString(), out _));
    }

    [Theory]
    [InlineData("""{"kty":"oct","alg":"HS256"}""", "oct")]
    [InlineData("""{"crv":"P-256","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}""", "kty")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}""", "kty")]
    [InlineData("""{"kty":"EC","crv":"P-192","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}""", "crv")]
    [InlineData("""{"kty":"EC","crv":"P-384","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}""", "48 bytes")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs=","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}""", "base64url")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"8VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}""", "not on P-256")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":7}""", "base64url")]
    [InlineData("""{"kty":"RSA","e":"AQAB","n":"AQAB"}""", "2048")]
    [InlineData("""{"kty":"RSA","e":"AAEAAQ","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}""", "leading zero")]
    [InlineData("""[]""", "object")]
    public void Read_NotAPublicEcOrRsaKey_RefusedWithReason(string json, string reason)
    {
        Assert.Null(JwkThumbprint.Compute(json, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
