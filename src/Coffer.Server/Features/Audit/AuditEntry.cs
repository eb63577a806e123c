using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Coffer.Server.Features.Tokens;

namespace Coffer.Server.Features.Audit;

/// <summary>How an audited action ended.</summary>
internal enum AuditOutcome
{
    /// <summary>The action was done (or, for a write-ahead record, permitted and about to be done).</summary>
    Success,

    /// <summary>The action was refused: not allowed, bad credentials, a share that does not count.</summary>
    Denied,

    /// <summary>The action was attempted and failed.</summary>
    Failure,
}

/// <summary>One detail of an audit entry. A sensitive value is stored only as <c>hmac-sha256:&lt;hex&gt;</c>.</summary>
internal readonly record struct AuditDetail(string Key, object? Value, bool Sensitive);

/// <summary>
/// What a caller asks <see cref="AuditLog"/> to record. The log assigns seq, time and hashes. Details are built with
/// <see cref="With(string, string?)"/> and friends; values that must never be stored in plaintext (secrets, shares,
/// anything a user typed that could be a secret) go through <see cref="WithSensitive"/> and are HMAC'd with the
/// per-install salt, so a known value can still be matched against the log without the log revealing it.
/// </summary>
internal sealed partial class AuditEntry
{
    /// <summary>The actor of something the server did on its own.</summary>
    public const string SystemActor = "system";

    /// <summary>The actor of a request without a valid token.</summary>
    public const string AnonymousActor = "anonymous";

    private readonly List<AuditDetail> _details = [];

    /// <param name="action">A stable dotted name such as <c>sys.seal</c> or <c>token.create</c>: lower case, digits, '_' and '.'.</param>
    public AuditEntry(string action, AuditOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (action.Length > 100 || !ActionName().IsMatch(action))
        {
            throw new ArgumentException($"'{action}' is not an audit action name (lower-case dotted words, e.g. sys.seal).", nameof(action));
        }

        if (!Enum.IsDefined(outcome))
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown outcome.");
        }

        Action = action;
        Outcome = outcome;
    }

    public string Action { get; }

    public AuditOutcome Outcome { get; }

    /// <summary>The token accessor that acted, or <see cref="SystemActor"/> / <see cref="AnonymousActor"/>.</summary>
    public string Actor { get; init; } = SystemActor;

    public Guid? UserId { get; init; }

    /// <summary>What was acted on (an accessor, a user id, a secret id …), when there is one thing.</summary>
    public string? Target { get; init; }

    public string? ClientIp { get; init; }

    public IReadOnlyList<AuditDetail> Details => _details;

    /// <summary>An entry for the caller of <paramref name="http"/>: its token accessor (or anonymous), user id and client IP.</summary>
    public static AuditEntry For(HttpContext http, string action, AuditOutcome outcome, string? target = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        var user = http.User;
        return new AuditEntry(action, outcome)
        {
            Actor = user.FindFirstValue(TokenAuthenticationHandler.AccessorClaim) ?? AnonymousActor,
            UserId = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), CultureInfo.InvariantCulture, out var id) ? id : null,
            ClientIp = http.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : null,
            Target = target,
        };
    }

    public AuditEntry With(string key, string? value) => Add(key, value, sensitive: false);

    public AuditEntry With(string key, long? value) => Add(key, value, sensitive: false);

    public AuditEntry With(string key, bool? value) => Add(key, value, sensitive: false);

    /// <summary>Adds a value that is stored only as its HMAC-SHA256 under the install's salt (<c>hmac-sha256:&lt;hex&gt;</c>).</summary>
    public AuditEntry WithSensitive(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Add(key, value, sensitive: true);
    }

    private AuditEntry Add(string key, object? value, bool sensitive)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (_details.Exists(d => d.Key == key))
        {
            throw new ArgumentException($"The detail '{key}' was already added.", nameof(key));
        }

        _details.Add(new AuditDetail(key, value, sensitive));
        return this;
    }

    [GeneratedRegex("^[a-z0-9_]+(\\.[a-z0-9_]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex ActionName();
}
