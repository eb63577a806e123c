using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Primitives;

namespace Coffer.Server.Features.OAuth.Dpop;

/// <summary>
/// Checks a DPoP proof (RFC 9449 §4.3) against the request it came with: one <c>DPoP</c> header holding one compact JWS
/// of type <c>dpop+jwt</c>, signed with an allowed asymmetric algorithm by the public key in its <c>jwk</c> header, whose
/// claims name this request's method and URI, were made moments ago, are seen once (<see cref="DpopReplayCache"/>), and —
/// with an access token — carry that token's hash and are signed by the key the token is bound to. Every refusal says
/// which check failed, never what the proof held. There are no server nonces (item 10): Coffer does not send
/// <c>DPoP-Nonce</c>, and the short <c>iat</c> window plus the shared replay cache carry that duty.
/// </summary>
internal sealed class DpopProofValidator(DpopReplayCache replay, TimeProvider time)
{
    /// <summary>The <c>DPoP</c> header's largest accepted size: an RSA-4096 jwk and the claims fit with room to spare.</summary>
    public const int MaxHeaderLength = 8 * 1024;

    /// <summary>RFC 9449 §11.1 asks for <c>jti</c> values with at least 96 bits of entropy; 256 characters is more than any client needs.</summary>
    public const int MaxJtiLength = 256;

    /// <summary>
    /// How old a proof may be (by its <c>iat</c>). RFC 9449 §11.1 leaves the window to the server; two minutes covers a
    /// slow network and a client clock a little behind, and bounds how long the replay cache must remember a <c>jti</c>.
    /// </summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(120);

    /// <summary>How far ahead of this server's clock a proof's <c>iat</c> may be: client clocks run a little fast, not minutes.</summary>
    public static readonly TimeSpan MaxFuture = TimeSpan.FromSeconds(30);

    /// <summary>The JWS algorithms accepted (RFC 9449 §5.1 <c>dpop_signing_alg_values_supported</c>); never <c>none</c> or a MAC.</summary>
    public static readonly IReadOnlyList<string> Algorithms = ["ES256", "ES384", "ES512", "RS256", "PS256"];

    /// <summary><see cref="Algorithms"/> as the <c>algs</c> parameter of a <c>WWW-Authenticate: DPoP</c> challenge (RFC 9449 §7.1).</summary>
    public static readonly string AlgorithmList = string.Join(' ', Algorithms);

    private const string ProofType = "dpop+jwt";

    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false, MaxDepth = 8 };

    /// <summary>
    /// Validates the proof of a request to <paramref name="method"/> <paramref name="htu"/>. With
    /// <paramref name="accessToken"/> (a resource request) the proof must carry its <c>ath</c>, and the token must be
    /// bound: <paramref name="expectedJkt"/> is the token's <c>DpopJkt</c>. Without an access token (the token endpoint)
    /// <paramref name="expectedJkt"/> may still name a key the proof must be signed by (a bound refresh token), or be
    /// null to accept any valid key. The <c>jti</c> is recorded only when everything else passed.
    /// </summary>
    public async Task<DpopResult> ValidateAsync(
        StringValues dpopHeaders, string method, Uri htu, string? accessToken, string? expectedJkt, CancellationToken cancellationToken)
    {
        var checkedProof = Check(dpopHeaders, method, htu, accessToken, expectedJkt);
        if (checkedProof.Error is { } error)
        {
            return DpopResult.Failure(error);
        }

        return await replay.TryRecordAsync(checkedProof.Jkt!, checkedProof.Jti!, cancellationToken)
            ? DpopResult.Success(checkedProof.Jkt!)
            : DpopResult.Failure("The DPoP proof was already used (its jti was seen before): make a fresh proof for every request.");
    }

    /// <summary>
    /// The request's URI as a proof's <c>htu</c> should name it (RFC 9449 §4.2): scheme, host, port, path base and path
    /// as this server sees them (after any trusted proxy's forwarded headers), without query or fragment.
    /// </summary>
    public static Uri RequestHtu(HttpRequest request)
    {
        // A request without a Host (HTTP/1.0) names no URI a client could have signed; the reserved .invalid name
        // (RFC 6761 §6.4) stands in, so that no proof matches and nothing throws.
        var host = request.Host.HasValue ? request.Host : new HostString("host-missing.invalid");
        var text = UriHelper.BuildAbsolute(request.Scheme, host, request.PathBase, request.Path);
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : new Uri("https://host-missing.invalid/");
    }

    /// <summary>
    /// An absolute http(s) URI reduced to what RFC 9449 §4.3 item 9 compares: scheme and host in lower case (RFC 3986
    /// §6.2.2.1), the port always explicit (so an elided default port equals the spelled-out one, §6.2.3), and the
    /// normalised path; the query and fragment are ignored. Null for anything else.
    /// </summary>
    internal static string? NormaliseHtu(Uri uri)
    {
        if (!uri.IsAbsoluteUri || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0 || uri.Host.Length == 0)
        {
            return null;
        }

        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{uri.Scheme}://{uri.Host.ToLowerInvariant()}:{uri.Port}{uri.AbsolutePath}");
    }

    /// <summary>base64url(SHA-256(ASCII(access token))): the <c>ath</c> claim (RFC 9449 §4.2).</summary>
    public static string AccessTokenHash(string accessToken) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));

    private CheckedProof Check(StringValues dpopHeaders, string method, Uri htu, string? accessToken, string? expectedJkt)
    {
        // Item 1: exactly one DPoP header, holding one value.
        if (dpopHeaders.Count == 0 || string.IsNullOrEmpty(dpopHeaders[0]))
        {
            return CheckedProof.Fail("The request has no DPoP header: send a DPoP proof with every request made with a DPoP-bound token.");
        }

        if (dpopHeaders.Count > 1)
        {
            return CheckedProof.Fail("The request has more than one DPoP header: send exactly one proof.");
        }

        var proof = dpopHeaders[0]!;
        if (proof.Length > MaxHeaderLength)
        {
            return CheckedProof.Fail($"The DPoP header is longer than {MaxHeaderLength} characters.");
        }

        // Item 2: one well-formed compact JWS (RFC 7515 §7.1): three base64url parts, a JSON header and payload.
        var parts = proof.Split('.');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
        {
            return CheckedProof.Fail("The DPoP header is not a compact JWS (three base64url parts separated by dots).");
        }

        var signature = DecodePart(parts[2]);
        using var header = ParseJson(parts[0]);
        using var payload = ParseJson(parts[1]);
        if (header is null || payload is null || signature is null)
        {
            return CheckedProof.Fail("The DPoP proof is not a well-formed JWS: its header and payload must be base64url JSON objects, its signature base64url.");
        }

        var h = header.RootElement;
        var claims = payload.RootElement;

        // Item 4: the type says this JWT is a DPoP proof, not some other signed token replayed here. RFC 7515 §4.1.9:
        // the comparison is case-insensitive.
        if (Text(h, "typ") is not { } typ || !string.Equals(typ, ProofType, StringComparison.OrdinalIgnoreCase))
        {
            return CheckedProof.Fail("The DPoP proof's typ header must be dpop+jwt.");
        }

        // Item 5: only the asymmetric algorithms of the list; "none" and the HMACs (a symmetric key the verifier would
        // share) never.
        if (Text(h, "alg") is not { } alg || !Algorithms.Contains(alg, StringComparer.Ordinal))
        {
            return CheckedProof.Fail($"The DPoP proof's alg must be one of {AlgorithmList}.");
        }

        // RFC 7515 §4.1.11: an extension the receiver must understand, and Coffer understands none.
        if (h.TryGetProperty("crit", out _))
        {
            return CheckedProof.Fail("The DPoP proof has a crit header, and no critical extension is supported.");
        }

        // Item 7: the jwk is a public key (private members refused, EC points on their curve).
        if (!h.TryGetProperty("jwk", out var jwkElement))
        {
            return CheckedProof.Fail("The DPoP proof has no jwk header.");
        }

        var jwk = JwkThumbprint.Read(jwkElement, out var jwkError);
        if (jwk is null)
        {
            return CheckedProof.Fail(jwkError!);
        }

        // Item 6: the signature verifies with that key, under the algorithm the header names (and only that one).
        var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (Verify(alg, jwk, signingInput, signature) is { } signatureError)
        {
            return CheckedProof.Fail(signatureError);
        }

        // Item 3: the required claims, with their types.
        if (Text(claims, "jti") is not { Length: > 0 and <= MaxJtiLength } jti)
        {
            return CheckedProof.Fail($"The DPoP proof needs a jti claim: a unique string of at most {MaxJtiLength} characters.");
        }

        if (Text(claims, "htm") is not { } htm)
        {
            return CheckedProof.Fail("The DPoP proof needs an htm claim (the request's HTTP method).");
        }

        if (Text(claims, "htu") is not { Length: <= 4096 } htuClaim)
        {
            return CheckedProof.Fail("The DPoP proof needs an htu claim (the request's URI).");
        }

        if (!claims.TryGetProperty("iat", out var iatElement) || iatElement.ValueKind != JsonValueKind.Number || !iatElement.TryGetDouble(out var iat) || !double.IsFinite(iat))
        {
            return CheckedProof.Fail("The DPoP proof needs a numeric iat claim (seconds since the epoch).");
        }

        // Item 8: the method, compared exactly (methods are case-sensitive, RFC 9110 §9.1).
        if (!string.Equals(htm, method, StringComparison.Ordinal))
        {
            return CheckedProof.Fail($"The DPoP proof's htm does not match this request's method ({method}).");
        }

        // Item 9: the URI, ignoring query and fragment.
        var expectedHtu = NormaliseHtu(htu);
        if (expectedHtu is null || !Uri.TryCreate(htuClaim, UriKind.Absolute, out var claimedUri) || NormaliseHtu(claimedUri) is not { } claimedHtu
            || !string.Equals(claimedHtu, expectedHtu, StringComparison.Ordinal))
        {
            return CheckedProof.Fail($"The DPoP proof's htu does not match this request's URI ({expectedHtu ?? "unknown"}, without query or fragment).");
        }

        // Item 11: made moments ago, by the server's clock.
        var now = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        if (now - iat > MaxAge.TotalSeconds)
        {
            return CheckedProof.Fail($"The DPoP proof's iat is more than {MaxAge.TotalSeconds:0} seconds old: make a fresh proof for every request (and check the client's clock).");
        }

        if (iat - now > MaxFuture.TotalSeconds)
        {
            return CheckedProof.Fail($"The DPoP proof's iat is more than {MaxFuture.TotalSeconds:0} seconds in the future: check the client's clock.");
        }

        // Item 12: with an access token, the proof is for that token and by the key it is bound to.
        if (accessToken is not null)
        {
            if (Text(claims, "ath") is not { } ath)
            {
                return CheckedProof.Fail("The DPoP proof needs an ath claim (base64url SHA-256 of the access token) when sent with an access token.");
            }

            if (!FixedTimeEquals(ath, AccessTokenHash(accessToken)))
            {
                return CheckedProof.Fail("The DPoP proof's ath does not match the access token it was sent with.");
            }

            if (expectedJkt is null)
            {
                return CheckedProof.Fail("The access token is not bound to a DPoP key.");
            }
        }

        if (expectedJkt is not null && !FixedTimeEquals(jwk.Thumbprint, expectedJkt))
        {
            return CheckedProof.Fail("The DPoP proof is signed by another key than the one the token is bound to.");
        }

        return new CheckedProof(jwk.Thumbprint, jti, null);
    }

    private static string? Verify(string alg, PublicJwk jwk, byte[] data, byte[] signature)
    {
        const string mismatch = "The DPoP proof's alg does not fit its jwk (ES256: P-256, ES384: P-384, ES512: P-521, RS256 and PS256: RSA).";
        const string bad = "The DPoP proof's signature does not verify with its jwk.";
        try
        {
            switch (alg)
            {
                case "ES256" or "ES384" or "ES512":
                    var (curve, hash) = alg switch
                    {
                        "ES256" => ("P-256", HashAlgorithmName.SHA256),
                        "ES384" => ("P-384", HashAlgorithmName.SHA384),
                        _ => ("P-521", HashAlgorithmName.SHA512),
                    };
                    if (jwk.Crv != curve)
                    {
                        return mismatch;
                    }

                    // RFC 7518 §3.4: the JWS signature is r||s (IEEE P1363), not DER.
                    using (var ecdsa = jwk.CreateEcdsa())
                    {
                        return ecdsa.VerifyData(data, signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation) ? null : bad;
                    }

                default:
                    if (jwk.Kty != "RSA")
                    {
                        return mismatch;
                    }

                    using (var rsa = jwk.CreateRsa())
                    {
                        var padding = alg == "PS256" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
                        return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, padding) ? null : bad;
                    }
            }
        }
        catch (CryptographicException)
        {
            return bad;
        }
    }

    private static JsonDocument? ParseJson(string part)
    {
        if (DecodePart(part) is not { } bytes)
        {
            return null;
        }

        try
        {
            var document = JsonDocument.Parse(bytes, StrictJson);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            // Also duplicate member names: which of two "htu" claims would count is exactly the ambiguity to refuse.
            return null;
        }
    }

    private static byte[]? DecodePart(string part)
    {
        try
        {
            return Base64Url.DecodeFromChars(part);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private sealed record CheckedProof(string? Jkt, string? Jti, string? Error)
    {
        public static CheckedProof Fail(string error) => new(null, null, error);
    }
}

/// <summary>
/// The outcome of <see cref="DpopProofValidator.ValidateAsync"/>: the proof key's RFC 7638 thumbprint, or why the proof
/// was refused (an <c>error_description</c> for <see cref="InvalidDpopProof"/>, RFC 9449 §7.1).
/// </summary>
internal sealed record DpopResult(string? Jkt, string? ErrorDescription)
{
    /// <summary>The OAuth error code of a refused proof (RFC 9449 §5 at the token endpoint, §7.1 at a resource server).</summary>
    public const string InvalidDpopProof = "invalid_dpop_proof";

    public bool Succeeded => Jkt is not null;

    public static DpopResult Success(string jkt) => new(jkt, null);

    public static DpopResult Failure(string errorDescription) => new(null, errorDescription);
}
