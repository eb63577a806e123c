using System.Security.Cryptography;

namespace Coffer.Vault.Tests.Vault;

/// <summary>The data-key layer's primitive (.NET AesGcm) against the GCM specification's test cases (rfc.json aesGcm).</summary>
public sealed class GcmKnownAnswerTests
{
    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var v in Conformance.Load("vectors/rfc.json")["aesGcm"]!["vectors"]!.AsArray())
        {
            data.Add(v!["id"]!.GetValue<string>());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void AesGcm_SpecTestCase_MatchesCiphertextAndTag(string id)
    {
        var v = Conformance.Load("vectors/rfc.json")["aesGcm"]!["vectors"]!.AsArray().Single(x => x!["id"]!.GetValue<string>() == id)!;
        var key = Convert.FromHexString(v["keyHex"]!.GetValue<string>());
        var iv = Convert.FromHexString(v["ivHex"]!.GetValue<string>());
        var plaintext = Convert.FromHexString(v["plaintextHex"]!.GetValue<string>());
        var aad = Convert.FromHexString(v["aadHex"]!.GetValue<string>());
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];

        using var gcm = new AesGcm(key, 16);
        gcm.Encrypt(iv, plaintext, ciphertext, tag, aad);

        Assert.Equal(v["ciphertextHex"]!.GetValue<string>(), Convert.ToHexStringLower(ciphertext));
        Assert.Equal(v["tagHex"]!.GetValue<string>(), Convert.ToHexStringLower(tag));
    }
}
