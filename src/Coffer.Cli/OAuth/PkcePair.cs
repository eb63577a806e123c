using System.Buffers.Text;
using System.Security.Cryptography;
using Coffer.Server.Features.OAuth;

namespace Coffer.Cli.OAuth;

/// <summary>A fresh PKCE code_verifier (RFC 7636 §4.1: 32 random bytes, base64url, 43 characters) and its S256 challenge.</summary>
internal sealed record PkcePair(string Verifier, string Challenge)
{
    public static PkcePair Create()
    {
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return new PkcePair(verifier, Pkce.ChallengeOf(verifier));
    }

    /// <summary>An unguessable <c>state</c> (RFC 6749 §10.12): 128 random bits, base64url.</summary>
    public static string State() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
}
