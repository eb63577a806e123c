using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Coffer.Server.Tests.OAuth.Dpop;

/// <summary>A client's DPoP key (ECDSA P-256/384/521 or RSA) with its public JWK and an independently computed RFC 7638 thumbprint.</summary>
internal sealed class DpopKey : IDisposable
{
    private readonly ECDsa? _ec;
    private readonly RSA? _rsa;

    private DpopKey(ECDsa? ec, RSA? rsa, string crv)
    {
        _ec = ec;
        _rsa = rsa;
        Crv = crv;
    }

    public string Crv { get; }

    public string DefaultAlg => Crv switch
    {
        "P-256" => "ES256",
        "P-384" => "ES384",
        "P-521" => "ES512",
        _ => "PS256",
    };

    public static DpopKey Ec(string crv = "P-256") => new(ECDsa.Create(crv switch
    {
        "P-256" => ECCurve.NamedCurves.nistP256,
        "P-384" => ECCurve.NamedCurves.nistP384,
        _ => ECCurve.NamedCurves.nistP521,
    }), null, crv);

    public static DpopKey Rsa(int bits = 2048) => new(null, RSA.Create(bits), "RSA");

    /// <summary>The public JWK, members in a non-canonical order on purpose (the thumbprint must not depend on it).</summary>
    public JsonObject PublicJwk()
    {
        if (_ec is not null)
        {
            var p = _ec.ExportParameters(false);
            return new JsonObject { ["y"] = B64(p.Q.Y!), ["x"] = B64(p.Q.X!), ["kty"] = "EC", ["crv"] = Crv };
        }

        var r = _rsa!.ExportParameters(false);
        return new JsonObject { ["n"] = B64(r.Modulus!), ["kty"] = "RSA", ["e"] = B64(r.Exponent!) };
    }

    /// <summary>The JWK with its private members too, as a careless client might send it.</summary>
    public JsonObject PrivateJwk()
    {
        var jwk = PublicJwk();
        if (_ec is not null)
        {
            jwk["d"] = B64(_ec.ExportParameters(true).D!);
        }
        else
        {
            var r = _rsa!.ExportParameters(true);
            jwk["d"] = B64(r.D!);
            jwk["p"] = B64(r.P!);
            jwk["q"] = B64(r.Q!);
        }

        return jwk;
    }

    public string Thumbprint
    {
        get
        {
            var jwk = PublicJwk();
            var canonical = _ec is not null
                ? $"{{\"crv\":\"{jwk["crv"]}\",\"kty\":\"EC\",\"x\":\"{jwk["x"]}\",\"y\":\"{jwk["y"]}\"}}"
                : $"{{\"e\":\"{jwk["e"]}\",\"kty\":\"RSA\",\"n\":\"{jwk["n"]}\"}}";
            return B64(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        }
    }

    public byte[] Sign(string alg, byte[] data) => alg switch
    {
        "ES256" => _ec!.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
        "ES384" => _ec!.SignData(data, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
        "ES512" => _ec!.SignData(data, HashAlgorithmName.SHA512, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
        "RS256" => _rsa!.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        "PS256" => _rsa!.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
        _ => throw new ArgumentOutOfRangeException(nameof(alg)),
    };

    public static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    public void Dispose()
    {
        _ec?.Dispose();
        _rsa?.Dispose();
    }
}

/// <summary>
/// Builds a DPoP proof JWT (RFC 9449 §4.2); a test changes <see cref="Header"/>, <see cref="Claims"/> or the signature
/// to make exactly one check fail.
/// </summary>
internal sealed class DpopProof
{
    private DpopProof(DpopKey key, JsonObject header, JsonObject claims)
    {
        Key = key;
        Header = header;
        Claims = claims;
    }

    public DpopKey Key { get; }

    public JsonObject Header { get; }

    public JsonObject Claims { get; }

    /// <summary>Signs with this instead of <see cref="Key"/> (e.g. another key, for a bad signature).</summary>
    public Func<byte[], byte[]>? Signer { get; set; }

    public static DpopProof For(DpopKey key, string method, Uri htu, DateTimeOffset iat, string? accessToken = null, string? alg = null)
    {
        var header = new JsonObject { ["typ"] = "dpop+jwt", ["alg"] = alg ?? key.DefaultAlg, ["jwk"] = key.PublicJwk() };
        var claims = new JsonObject
        {
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["htm"] = method,
            ["htu"] = htu.ToString(),
            ["iat"] = iat.ToUnixTimeSeconds(),
        };
        if (accessToken is not null)
        {
            claims["ath"] = DpopKey.B64(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
        }

        return new DpopProof(key, header, claims);
    }

    public string Build() => Build(Header.ToJsonString(), Claims.ToJsonString());

    /// <summary>A proof over exactly these header and payload texts (for duplicate members and other malformed JSON).</summary>
    public string Build(string headerJson, string claimsJson)
    {
        var input = DpopKey.B64(Encoding.UTF8.GetBytes(headerJson)) + "." + DpopKey.B64(Encoding.UTF8.GetBytes(claimsJson));
        var data = Encoding.ASCII.GetBytes(input);
        var signature = Signer is not null ? Signer(data) : Key.Sign((string)Header["alg"]!, data);
        return input + "." + DpopKey.B64(signature);
    }
}
