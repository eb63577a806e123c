using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Coffer.Sandbox.Tests.Support;

/// <summary>
/// A deliberately separate, hand-written CDP JWT builder (no sandbox code), following the conformance procedure
/// coinbase-cdp-es256-jwt: header {alg ES256, kid, nonce, typ JWT}, claims {sub, iss cdp, nbf, exp = nbf + 120, uri},
/// ES256 over base64url(header).base64url(claims), signature R‖S (IEEE P1363), base64url without padding.
/// </summary>
internal static class CoinbaseTestJwt
{
    public static Dictionary<string, object> Header(string keyName) => new()
    {
        ["alg"] = "ES256",
        ["kid"] = keyName,
        ["nonce"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
        ["typ"] = "JWT",
    };

    public static Dictionary<string, object> Claims(string keyName, string uri, long nbf) => new()
    {
        ["sub"] = keyName,
        ["iss"] = "cdp",
        ["nbf"] = nbf,
        ["exp"] = nbf + 120,
        ["uri"] = uri,
    };

    public static string Sign(Dictionary<string, object> header, Dictionary<string, object> claims, string pem)
    {
        var signingInput = Part(header) + "." + Part(claims);
        using var ec = ECDsa.Create();
        ec.ImportFromPem(pem);
        var signature = ec.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url(signature);
    }

    public static string Part(object json) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(json));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
