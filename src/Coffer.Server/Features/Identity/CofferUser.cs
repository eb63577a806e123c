using Microsoft.AspNetCore.Identity;

namespace Coffer.Server.Features.Identity;

/// <summary>
/// A Coffer user: ASP.NET Core Identity's user (name, password hash, lockout, security stamp) plus what Coffer keeps
/// beside it. The TOTP seed itself is never here: it is a vault secret (envelope-encrypted under the user's key,
/// security.md §10), and the user row holds only its id.
/// </summary>
internal sealed class CofferUser : IdentityUser<Guid>
{
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Set by freeze; while set, every token of the user stays revoked and sign-in is refused.</summary>
    public DateTimeOffset? FrozenAt { get; set; }

    /// <summary>The accessor of the user's root <c>trader</c> token, the top of their token tree.</summary>
    public string? RootAccessor { get; set; }

    /// <summary>The vault secret holding the confirmed TOTP seed; null without TOTP.</summary>
    public Guid? TotpSecretId { get; set; }

    /// <summary>A seed handed out by enrolment but not yet confirmed with a code.</summary>
    public Guid? TotpPendingSecretId { get; set; }

    /// <summary>
    /// The last RFC 6238 time step accepted for this user. A code is accepted only for a later step, so each code (and
    /// any earlier one) works once (RFC 6238 §5.2, NIST SP 800-63B-4 §3.2.7). Updated atomically in the database.
    /// </summary>
    public long? TotpLastStep { get; set; }

    /// <summary>Lockouts since the last successful sign-in; each one doubles the next lockout's length.</summary>
    public int LockoutCount { get; set; }

    /// <summary>Failed attempts since the last successful sign-in (NIST SP 800-63B-4 §3.2.2 caps these at 100).</summary>
    public int ConsecutiveFailures { get; set; }
}
