using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Coffer.Server.Features.OAuth;

/// <summary>
/// Proof Key for Code Exchange (RFC 7636), S256 only (RFC 9700 §2.1.1, ASVS 10.4.6): <c>plain</c> would put the verifier
/// in the front channel, and a missing challenge would let a stolen code be redeemed by anyone.
/// </summary>
internal static class Pkce
{
    public const string S256 = "S256";

    /// <summary>RFC 7636 §4.2: the challenge is BASE64URL(SHA256(ASCII(verifier))), 43 characters without padding.</summary>
    public static bool IsValidChallenge(string? challenge) =>
        challenge is { Length: 43 } && challenge.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>RFC 7636 §4.1: 43 to 128 characters of <c>[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"</c>.</summary>
    public static bool IsValidVerifier(string? verifier) =>
        verifier is { Length: >= 43 and <= 128 } && verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    public static string ChallengeOf(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>Whether <paramref name="verifier"/> is well formed and hashes to <paramref name="challenge"/> (compared in constant time).</summary>
    public static bool Verifies(string? verifier, string challenge)
    {
        if (!IsValidVerifier(verifier))
        {
            return false;
        }

        var actual = Encoding.ASCII.GetBytes(ChallengeOf(verifier!));
        var expected = Encoding.ASCII.GetBytes(challenge);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
