using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Coffer.Server.Features.Identity;
using Coffer.Vault.Tests;

namespace Coffer.Server.Tests.Identity;

/// <summary>HOTP and TOTP against the RFCs' own tables (shared/conformance/vectors/rfc.json), every row.</summary>
public sealed class TotpTests
{
    private static readonly JsonNode Vectors = Conformance.Load("vectors/rfc.json");

    public static TheoryData<int> HotpRows() => [.. Enumerable.Range(0, Vectors["hotp_rfc4226"]!["vectors"]!.AsArray().Count)];

    public static TheoryData<int> TotpRows() => [.. Enumerable.Range(0, Vectors["totp_rfc6238"]!["vectors"]!.AsArray().Count)];

    [Theory]
    [MemberData(nameof(HotpRows))]
    public void Hotp_Rfc4226AppendixD_MatchesHmacTruncationAndCode(int row)
    {
        var group = Vectors["hotp_rfc4226"]!;
        var vector = group["vectors"]![row]!;
        var key = Convert.FromHexString((string)group["secretHex"]!);
        var counter = (long)vector["count"]!;

        var hmac = Totp.Hmac(key, counter, HashAlgorithmName.SHA1);

        Assert.Equal((string)vector["hmacSha1Hex"]!, Convert.ToHexStringLower(hmac));
        Assert.Equal((string)vector["hotp"]!, Totp.Hotp(key, counter, (int)group["digits"]!));
        var offset = hmac[^1] & 0x0f;
        var truncated = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(hmac.AsSpan(offset, 4)) & 0x7fffffff;
        Assert.Equal((long)vector["truncatedDecimal"]!, truncated);
    }

    [Theory]
    [MemberData(nameof(TotpRows))]
    public void Totp_Rfc6238AppendixB_MatchesEveryModeWithEightDigits(int row)
    {
        var group = Vectors["totp_rfc6238"]!;
        var vector = group["vectors"]![row]!;
        var mode = (string)vector["mode"]!;
        var seed = Convert.FromHexString((string)group["seeds"]![mode]!["hex"]!);
        var time = DateTimeOffset.FromUnixTimeSeconds((long)vector["timeSeconds"]!);

        Assert.Equal(Convert.ToInt64((string)vector["tHex"]!, 16), Totp.StepAt(time));
        Assert.Equal((string)vector["totp"]!, Totp.Compute(seed, time, (int)group["digits"]!, new HashAlgorithmName(mode)));
    }

    [Fact]
    public void Totp_Rfc6238WrongSeedLength_DoesNotReproduceTheTable()
    {
        var group = Vectors["totp_rfc6238"]!;
        var negatives = group["negativeVectors"]!.AsArray();
        Assert.NotEmpty(negatives);
        foreach (var negative in negatives)
        {
            var mode = (string)negative!["mode"]!;
            var time = DateTimeOffset.FromUnixTimeSeconds((long)negative["timeSeconds"]!);
            var code = Totp.Compute(Convert.FromHexString((string)negative["seedHex"]!), time, 8, new HashAlgorithmName(mode));
            var table = group["vectors"]!.AsArray().Single(v => (string)v!["mode"]! == mode && (long)v["timeSeconds"]! == (long)negative["timeSeconds"]!)!;

            // The 20-byte seed gives the erratum's value, never the table's.
            Assert.Equal((string)negative["totp"]!, code);
            Assert.NotEqual((string)table["totp"]!, code);
        }
    }

    [Fact]
    public void StepAt_StepBoundaries_ChangeEveryThirtySeconds()
    {
        Assert.Equal(0, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(29)));
        Assert.Equal(1, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(30)));
        Assert.Equal(666666666, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(20000000000)));
    }

    [Fact]
    public void Base32_RoundTrip_MatchesRfc4648()
    {
        // RFC 4648 §10 test vectors (without padding).
        Assert.Equal("MZXW6YTBOI", Totp.Base32("foobar"u8));
        Assert.Equal("foobar"u8.ToArray(), Totp.FromBase32("mzxw6ytboi======"));
        Assert.Null(Totp.FromBase32("not base32!"));
        var seed = RandomNumberGenerator.GetBytes(Totp.SeedBytes);
        Assert.Equal(seed, Totp.FromBase32(Totp.Base32(seed)));
    }

    [Fact]
    public void OtpAuthUri_Seed_NamesIssuerAccountAndParameters()
    {
        var uri = Totp.OtpAuthUri("Coffer", "alice", "12345678901234567890"u8);

        Assert.Equal("otpauth://totp/Coffer:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Coffer&algorithm=SHA1&digits=6&period=30", uri);
    }

    [Theory]
    [InlineData("123456", true)]
    [InlineData("12345", false)]
    [InlineData("1234567", false)]
    [InlineData("12345a", false)]
    [InlineData("١٢٣٤٥٦", false)]
    public void IsWellFormed_Input_AcceptsSixAsciiDigitsOnly(string code, bool expected) => Assert.Equal(expected, Totp.IsWellFormed(code));
}
