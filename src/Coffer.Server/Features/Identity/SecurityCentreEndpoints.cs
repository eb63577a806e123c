using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Coffer.Server.Data;
using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Portfolio;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Features.Web;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Identity;

internal sealed record MeSession(string Accessor, string Kind, DateTimeOffset? ExpiresAt);

internal sealed record MeSecondFactors(bool Totp, int Passkeys, int RecoveryCodesLeft);

/// <summary>GET /api/v1/auth/me: who is signed in, with what, and how the account is protected (web/src/api/types.ts <c>Me</c>).</summary>
internal sealed record MeResponse(
    Guid UserId,
    string Username,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Scopes,
    MeSession Session,
    bool Frozen,
    MeSecondFactors SecondFactors,
    string Currency);

/// <summary>One sign-in attempt on the account, as the audit log recorded it.</summary>
/// <param name="Method"><c>password</c>, <c>recovery</c> or <c>passkey</c>.</param>
/// <param name="Outcome"><c>success</c> or <c>failure</c>.</param>
/// <param name="Reason">Why a failure failed (<c>InvalidCredentials</c>, <c>InvalidSecondFactor</c>, <c>Locked</c> …).</param>
/// <param name="UserAgent">For a success, the browser or tool of the session it started (first 60 characters); null for failures.</param>
internal sealed record SignInEventView(
    string Id,
    DateTimeOffset At,
    string Outcome,
    string? Method,
    string? Reason,
    string? ClientIp,
    string? UserAgent,
    bool? NewDevice);

internal sealed record SignInHistoryResponse(IReadOnlyList<SignInEventView> Items, string? Next);

/// <summary>
/// What the web app's security centre reads: <c>GET /api/v1/auth/me</c>, the account's own sign-in history
/// (<c>GET /api/v1/auth/signins</c>) and remote sign-out of one of the user's sessions
/// (<c>DELETE /api/v1/auth/sessions/{accessor}</c>). All for the person's own tokens (root or session), never a tool's.
/// </summary>
internal static class SecurityCentreEndpoints
{
    private const int DefaultPage = 50;
    private const int MaxPage = 200;
    private static readonly TimeSpan SessionMatchWindow = TimeSpan.FromSeconds(10);

    public static RouteGroupBuilder MapSecurityCentreEndpoints(this RouteGroupBuilder auth)
    {
        auth.MapGet("/me", Me).RequireAuthorization(IdentityEndpoints.PersonPolicy);
        auth.MapGet("/signins", SignIns).RequireAuthorization(IdentityEndpoints.PersonPolicy);
        auth.MapDelete("/sessions/{accessor}", EndSession).RequireAuthorization(IdentityEndpoints.PersonPolicy);
        return auth;
    }

    internal static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> Me(ClaimsPrincipal principal, IDbContextFactory<CofferDb> factory, TokenStore tokens, RecoveryCodes recovery, CancellationToken cancellationToken)
    {
        var userId = IdentityEndpoints.UserId(principal);
        var accessor = principal.FindFirstValue(TokenAuthenticationHandler.AccessorClaim)!;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        var token = await tokens.FindByAccessorAsync(accessor, cancellationToken);
        if (user is null || token is null)
        {
            return Problem.Result(ProblemType.Unauthorized, "The calling token's user no longer exists.");
        }

        var roles = await SessionIssuer.RolesOfAsync(db, userId, cancellationToken);
        var passkeys = await db.Passkeys().CountAsync(p => p.UserId == userId, cancellationToken);
        var preferences = await PortfolioPreferences.LoadAsync(db, userId, cancellationToken);
        return TypedResults.Ok(new MeResponse(
            userId,
            user.UserName!,
            [.. roles.Order(StringComparer.Ordinal)],
            [.. principal.FindAll(TokenAuthenticationHandler.ScopeClaim).Select(c => c.Value).Order(StringComparer.Ordinal)],
            new MeSession(token.Accessor, token.Kind, token.ExpiresAt),
            user.FrozenAt is not null,
            new MeSecondFactors(user.TwoFactorEnabled, passkeys, await recovery.RemainingAsync(userId, cancellationToken)),
            preferences.Currency));
    }

    /// <summary>
    /// The account's sign-ins, successes and failures, newest first, from the audit log (actions <c>auth.signin</c> and
    /// <c>auth.signin.failed</c>). Paged by <c>before</c> (the <c>next</c> of the previous page).
    /// </summary>
    internal static async Task<Results<Ok<SignInHistoryResponse>, ProblemHttpResult>> SignIns(ClaimsPrincipal principal, IDbContextFactory<CofferDb> factory, AuditLog audit, int? limit, string? before, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxPage)
        {
            return Problem.Result(ProblemType.InvalidArgument, $"limit must be between 1 and {MaxPage}.");
        }

        long? beforeSeq = null;
        if (before is not null)
        {
            if (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Problem.Result(ProblemType.InvalidArgument, "before must be the next value of a previous page.");
            }

            beforeSeq = parsed;
        }

        var userId = IdentityEndpoints.UserId(principal);
        var take = limit ?? DefaultPage;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var username = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.UserName).SingleOrDefaultAsync(cancellationToken);

        // Refusals recorded before they carried the user's id are matched by the HMAC of the name as typed.
        var nameHmac = username is null ? null : "\"username\":\"" + await audit.HmacAsync(username, cancellationToken) + "\"";
        var rows = await db.Table<AuditRecordRow>().AsNoTracking()
            .Where(r => (r.Action == "auth.signin" || r.Action == "auth.signin.failed")
                && (r.UserId == userId || (nameHmac != null && r.UserId == null && r.Action == "auth.signin.failed" && r.Details.Contains(nameHmac)))
                && (beforeSeq == null || r.Seq < beforeSeq))
            .OrderByDescending(r => r.Seq)
            .Take(take + 1)
            .ToListAsync(cancellationToken);
        // The audit log keeps the device only as an HMAC; a successful sign-in's user agent is read from the session it
        // started (its display name, "signed in from IP (agent)"), created right after the record.
        var page = rows.Take(take).ToList();
        var sessions = new List<TokenRow>();
        if (page.Count > 0)
        {
            var from = page[^1].OccurredAt;
            var until = page[0].OccurredAt + SessionMatchWindow;
            sessions = [.. (await db.Tokens.AsNoTracking().Where(t => t.UserId == userId && t.Kind == "session").ToListAsync(cancellationToken))
                .Where(t => t.CreatedAt >= from && t.CreatedAt <= until)
                .OrderBy(t => t.CreatedAt)];
        }

        // Oldest first, each sign-in claims the first session not yet claimed that began at or after it.
        var agents = new Dictionary<long, string?>();
        var unclaimed = new LinkedList<TokenRow>(sessions);
        foreach (var record in page.Where(r => r.Action == "auth.signin").OrderBy(r => r.Seq))
        {
            var match = unclaimed.FirstOrDefault(t => t.CreatedAt >= record.OccurredAt && t.CreatedAt <= record.OccurredAt + SessionMatchWindow);
            if (match is not null)
            {
                unclaimed.Remove(match);
                agents[record.Seq] = AgentOf(match);
            }
        }

        var items = page.Select(r => View(r, agents.GetValueOrDefault(r.Seq))).ToList();
        return TypedResults.Ok(new SignInHistoryResponse(items, rows.Count > take ? items[^1].Id : null));
    }

    /// <summary>
    /// Remote sign-out: revokes one of the caller's own sessions (and anything below it) on every node. Any session of
    /// the user may end any other, as POST /api/v1/tokens/{accessor}/revoke allows a session, but without needing
    /// tokens:write and only for sessions. Ending the calling session also expires its cookie.
    /// </summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> EndSession(string accessor, HttpContext http, TokenStore tokens, TokenTree tree, AuditLog audit, TimeProvider time, ILogger<TokenTree> logger, CancellationToken cancellationToken)
    {
        var userId = IdentityEndpoints.UserId(http.User);
        var target = await tokens.FindByAccessorAsync(accessor, cancellationToken);
        if (target is null || target.UserId != userId || target.Kind != "session" || !target.IsActiveAt(time.GetUtcNow()))
        {
            return Problem.Result(ProblemType.NotFound, "No live session of yours has this accessor (GET /api/v1/auth/sessions lists them).");
        }

        var revoked = await tree.RevokeAsync(accessor, cancellationToken);
        try
        {
            // Revocation protects, so it is never held back by the audit log: it has happened; the record follows.
            await audit.AppendAsync(AuditEntry.For(http, "auth.session.revoke", AuditOutcome.Success, accessor).With("revoked", revoked), CancellationToken.None);
        }
        catch (AuditUnavailableException)
        {
            TokenLog.RevocationNotAudited(logger, accessor);
        }

        if (accessor == http.User.FindFirstValue(TokenAuthenticationHandler.AccessorClaim))
        {
            SessionCookie.Expire(http);
        }

        return TypedResults.NoContent();
    }

    private static string? AgentOf(TokenRow? session)
    {
        var name = session?.DisplayName;
        var open = name?.IndexOf(" (", StringComparison.Ordinal) ?? -1;
        return name is null || open < 0 || !name.EndsWith(')') ? null : name[(open + 2)..^1];
    }

    private static SignInEventView View(AuditRecordRow row, string? agent)
    {
        string? method = null, reason = null;
        bool? newDevice = null;
        try
        {
            using var details = JsonDocument.Parse(row.Details);
            if (details.RootElement.ValueKind == JsonValueKind.Object)
            {
                method = Text(details.RootElement, "method");
                reason = Text(details.RootElement, "reason");
                newDevice = details.RootElement.TryGetProperty("new_device", out var nd) && nd.ValueKind is JsonValueKind.True or JsonValueKind.False ? nd.GetBoolean() : null;
            }
        }
        catch (JsonException)
        {
            // A record is shown with what it has; the chain's verification is where a damaged record is reported.
        }

        var success = row.Action == "auth.signin";
        return new SignInEventView(
            row.Seq.ToString(CultureInfo.InvariantCulture),
            row.OccurredAt,
            success ? "success" : "failure",
            method ?? "password",
            success ? null : reason,
            row.ClientIp,
            agent,
            newDevice);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
