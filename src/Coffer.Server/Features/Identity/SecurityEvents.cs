using Coffer.Server.Data;
using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Identity;

/// <summary>
/// What happens around sign-in, told to the audit log and to the user (DESIGN §4 notifications): sign-in from a new
/// device or address, password right but second factor wrong, freeze and unfreeze. A device is the pair of client
/// address and user agent; it is only ever stored as the audit log's HMAC of that pair (the audit log is kept for good
/// and exported, so it holds no device details in plain text). Sign-in records carry the user's id whenever the name
/// given is a user's, so they show in that user's sign-in history (GET /api/v1/auth/signins).
/// </summary>
internal sealed class SecurityEvents(AuditLog audit, INotifier notifier, IDbContextFactory<CofferDb> factory, ILookupNormalizer normalizer)
{
    /// <summary>Records a successful sign-in; tells the user when it came from a device not seen before.</summary>
    public Task SignedInAsync(HttpContext http, CofferUser user, CancellationToken cancellationToken) => SignedInAsync(http, user, "password", cancellationToken);

    /// <param name="method">How the user signed in: <c>password</c>, <c>recovery</c> (password and a recovery code) or <c>passkey</c>.</param>
    public async Task SignedInAsync(HttpContext http, CofferUser user, string method, CancellationToken cancellationToken)
    {
        var device = Device(http);
        var fingerprint = await audit.HmacAsync(device, cancellationToken);
        bool known;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            known = await db.Table<AuditRecordRow>().AsNoTracking()
                .AnyAsync(r => r.UserId == user.Id && r.Action == "auth.signin" && r.Details.Contains(fingerprint), cancellationToken);
        }

        // Required: a sign-in that cannot be recorded does not hand out a session.
        await audit.AppendAsync(Entry(http, "auth.signin", AuditOutcome.Success, user).WithSensitive("device", device).With("new_device", !known).With("method", method), cancellationToken);
        if (!known)
        {
            await notifier.NotifyAsync(
                user.Id,
                NotificationKind.SigninNewDevice,
                "New sign-in to your Coffer account",
                $"Someone signed in as {user.UserName} from {http.Connection.RemoteIpAddress} ({Agent(http)}), a device or address not seen before. If this was not you, freeze your account now.",
                new Dictionary<string, string> { ["client_ip"] = http.Connection.RemoteIpAddress?.ToString() ?? "unknown" },
                cancellationToken);
        }
    }

    /// <summary>Records a refused sign-in; when the password was right but the second factor not, tells the user.</summary>
    /// <param name="method">What was tried: <c>password</c>, <c>recovery</c> or <c>passkey</c>.</param>
    public async Task SignInRefusedAsync(HttpContext http, string? username, AuthFailure? failure, CancellationToken cancellationToken, string method = "password")
    {
        // The user is looked up for every refusal with a name (the same query whether the name exists or not), so the
        // record lands in that user's sign-in history; the answer to the caller does not depend on it.
        CofferUser? user = null;
        if (username is { Length: > 0 })
        {
            var normalized = normalizer.NormalizeName(username);
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedUserName == normalized, cancellationToken);
        }

        try
        {
            var entry = Entry(http, "auth.signin.failed", AuditOutcome.Denied, user).With("reason", failure?.ToString()).With("method", method);
            await audit.AppendAsync(username is { Length: > 0 } ? entry.WithSensitive("username", username) : entry, cancellationToken);
        }
        catch (AuditUnavailableException)
        {
            // The attempt is refused either way; what matters is that nothing was let through.
        }

        // A wrong password or second factor, or a guess at a locked account, feeds the anomaly detector's burst rule
        // (lockout is decided elsewhere and stays as it is). Steps of a normal sign-in, like "now the second factor",
        // are not failures.
        if (failure is AuthFailure.InvalidCredentials or AuthFailure.Locked or AuthFailure.Disabled or AuthFailure.InvalidSecondFactor or AuthFailure.ReplayedSecondFactor)
        {
            await http.RequestServices.GetRequiredService<Anomalies.AnomalyDetector>().AuthenticationFailedAsync(http, user?.Id, method);
        }

        if (user is not null && failure is AuthFailure.InvalidSecondFactor or AuthFailure.ReplayedSecondFactor)
        {
            await notifier.NotifyAsync(
                user.Id,
                NotificationKind.SigninSecondFactorFailed,
                "Your password was used, but the second factor was wrong",
                $"Someone signed in as {user.UserName} with the right password from {http.Connection.RemoteIpAddress}, and failed the second factor. If this was not you, your password is known: change it and consider freezing your account.",
                new Dictionary<string, string> { ["client_ip"] = http.Connection.RemoteIpAddress?.ToString() ?? "unknown" },
                cancellationToken);
        }
    }

    /// <summary>Records a new passkey (required: without its record it is not added) and tells the user.</summary>
    public async Task PasskeyAddedAsync(HttpContext http, CofferUser user, string credentialId, string name, CancellationToken cancellationToken)
    {
        await audit.AppendAsync(AuditEntry.For(http, "auth.passkey.add", AuditOutcome.Success, credentialId), cancellationToken);
        await notifier.NotifyAsync(
            user.Id,
            NotificationKind.CredentialAdded,
            "A passkey was added to your Coffer account",
            $"A passkey named '{name}' was added to {user.UserName} from {http.Connection.RemoteIpAddress}. It can sign in to the account and confirm sensitive actions. If this was not you, freeze your account now.",
            new Dictionary<string, string> { ["credential"] = "passkey", ["client_ip"] = http.Connection.RemoteIpAddress?.ToString() ?? "unknown" },
            cancellationToken);
    }

    /// <summary>Records a removed passkey (required: without its record it is not removed) and tells the user.</summary>
    public async Task PasskeyRemovedAsync(HttpContext http, Guid userId, string credentialId, string? name, CancellationToken cancellationToken)
    {
        await audit.AppendAsync(AuditEntry.For(http, "auth.passkey.remove", AuditOutcome.Success, credentialId), cancellationToken);
        await notifier.NotifyAsync(
            userId,
            NotificationKind.CredentialRemoved,
            "A passkey was removed from your Coffer account",
            $"The passkey named '{name}' was removed from {http.Connection.RemoteIpAddress}; it can no longer sign in.",
            new Dictionary<string, string> { ["credential"] = "passkey", ["client_ip"] = http.Connection.RemoteIpAddress?.ToString() ?? "unknown" },
            cancellationToken);
    }

    /// <param name="reason">Null when the user froze the account (the caller's token is the actor); otherwise why the
    /// server did (the anomaly detector): then the actor is <see cref="AuditEntry.SystemActor"/> and the reason is told.</param>
    public async Task FrozenAsync(HttpContext http, Guid userId, int revoked, CancellationToken cancellationToken, string? reason = null)
    {
        var entry = reason is null
            ? Entry(http, "account.freeze", AuditOutcome.Success, null)
            : new AuditEntry("account.freeze", AuditOutcome.Success) { UserId = userId, Target = userId.ToString(), ClientIp = AuditEntry.For(http, "account.freeze", AuditOutcome.Success).ClientIp }.With("reason", reason);
        await audit.AppendAsync(entry.With("revoked", revoked), cancellationToken);
        var why = reason is null ? string.Empty : $"Coffer froze it on its own: {reason} ";
        await notifier.NotifyAsync(userId, NotificationKind.AccountFrozen, "Your Coffer account was frozen", $"{why}Every session and token ({revoked} in all) was revoked; trading is blocked until you unfreeze with your password and second factor.", null, cancellationToken);
    }

    public async Task UnfrozenAsync(HttpContext http, CofferUser user, CancellationToken cancellationToken)
    {
        await audit.AppendAsync(Entry(http, "account.unfreeze", AuditOutcome.Success, user), cancellationToken);
        await notifier.NotifyAsync(user.Id, NotificationKind.AccountUnfrozen, "Your Coffer account was unfrozen", $"{user.UserName} unfroze the account from {http.Connection.RemoteIpAddress} with password and second factor.", null, cancellationToken);
    }

    private static AuditEntry Entry(HttpContext http, string action, AuditOutcome outcome, CofferUser? user)
    {
        var entry = AuditEntry.For(http, action, outcome);
        return user is null || entry.UserId is not null
            ? entry
            : new AuditEntry(action, outcome) { Actor = entry.Actor, UserId = user.Id, ClientIp = entry.ClientIp };
    }

    private static string Device(HttpContext http) => $"{http.Connection.RemoteIpAddress}|{Agent(http)}";

    private static string Agent(HttpContext http)
    {
        var agent = new string([.. http.Request.Headers.UserAgent.ToString().Where(c => !char.IsControl(c))]);
        return agent.Length > 200 ? agent[..200] : agent.Length == 0 ? "no user agent" : agent;
    }
}
