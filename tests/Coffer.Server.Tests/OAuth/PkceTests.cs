using Coffer.Server.Features.OAuth;

namespace Coffer.Server.Tests.OAuth;

public sealed class PkceTests
{
    [Fact]
    public void Rfc7636AppendixB_VerifierHashesToTheChallenge()
    {
        byte[] octets = [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121];
        var verifier = System.Buffers.Text.Base64Url.EncodeToString(octets);
        Assert.Equal("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", verifier);
        Assert.Equal(
            new byte[] { 19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46, 8, 118, 168, 120, 173, 109, 241, 68, 86, 110, 225, 137, 74, 203, 112, 249, 195 },
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        Assert.Equal("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Pkce.ChallengeOf(verifier));
        Assert.True(Pkce.Verifies(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    }

    [Theory]
    [InlineData("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", true)]
    [InlineData("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX", false)] // 42 characters
    [InlineData("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk=", false)] // '=' is not unreserved
    [InlineData("dBjftJeZ4CVP+mB92K27uhbUJU1p1r_wW1gFWFOEjXk", false)]
    [InlineData("abc.def~ghi_jkl-mnoABCDEFGHIJKLMNOPQRSTUVWXYZ0123", true)]
    [InlineData(null, false)]
    public void Verifier_Syntax_IsRfc7636Section4_1(string? verifier, bool valid)
    {
        Assert.Equal(valid, Pkce.IsValidVerifier(verifier));
        Assert.True(Pkce.IsValidVerifier(new string('a', 128)));
        Assert.False(Pkce.IsValidVerifier(new string('a', 129)));
    }

    [Fact]
    public void AnotherVerifier_DoesNotVerify()
    {
        Assert.False(Pkce.Verifies("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
        Assert.False(Pkce.Verifies(null, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    }
}
