using System.Security.Claims;
using Coffer.Server.Data;
using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.OAuth;

/// <summary>
/// The consent page's API (<c>/api/v1/oauth/requests</c>) and the user's connected apps (<c>/api/v1/oauth/grants</c>).
/// Consent is given by the person, so only a sign-in session may read or answer a request (never an API or OAuth token,
/// which could otherwise approve its own widening), and approving always takes a step-up: the grant hangs from the
/// account's root and outlives the session, exactly like a token created under the root.
/// </summary>
internal static class ConsentEndpoints
{
    public static IEndpointRouteBuilder MapConsentEndpoints(this IEndpointRouteBuilder app)
    {
        var requests = app.MapGroup("/api/v1/oauth/requests").WithTags("oauth");
        requests.MapGet("/{id}", GetRequest).RequireAuthorization(TokenEndpoints.AuthenticatedPolicy);
        requests.MapPost("/{id}/approve", Approve).RequireAuthorization(TokenEndpoints.AuthenticatedPolicy);
        requests.MapPost("/{id}/deny", Deny).RequireAuthorization(TokenEndpoints.AuthenticatedPolicy);
        var grants = app.MapGroup("/api/v1/oauth/grants").WithTags("oauth");
        grants.MapGet("/", ListGrants).RequireAuthorization(TokenEndpoints.ReadPolicy);
        grants.MapPost("/{accessor}/revoke", RevokeGrant).RequireAuthorization(TokenEndpoints.WritePolicy);
        return app;
    }

    internal static async Task<Results<Ok<ConsentRequestView>, ProblemHttpResult>> GetRequest(string id, ClaimsPrincipal user, IDbContextFactory<CofferDb> factory, TimeProvider time, CancellationToken cancellationToken)
    {
        if (NotAPerson(user) is { } refused)
        {
            return refused;
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (request, app) = await PendingAsync(db, id, time.GetUtcNow(), cancellationToken);
        if (request is null || app is null)
        {
            return Gone();
        }

        var owner = (await AppEndpoints.OwnerNamesAsync(db, [app.OwnerId], cancellationToken)).GetValueOrDefault(app.OwnerId);
        return TypedResults.Ok(new ConsentRequestView(
            request.Id,
            new ConsentAppView(app.ClientId, app.Name, app.ClientType, owner, app.DpopBound || request.DpopJkt is not null),
            [.. request.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries)],
            TradingDto.From(Tokens.TradingLimits.FromJson(app.TradingLimits)),
            request.RedirectUri,
            request.ExpiresAt));
    }

    /// <summary>
    /// Approves: checks the account can give what is asked, spends the request (once, atomically) and answers where to
    /// send the browser — the client's redirect URI with a single-use code (<see cref="OAuthLifetimes.Code"/>), the
    /// unchanged <c>state</c> and the issuer (RFC 9207).
    /// </summary>
    internal static async Task<Results<Ok<ConsentDecision>, ProblemHttpResult>> Approve(
        string id, HttpContext http, IDbContextFactory<CofferDb> factory, TokenTree tree, Identity.StepUp stepUp, OAuthIssuer issuer, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        if (NotAPerson(http.User) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow();
        var userId = AppEndpoints.UserId(http.User);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (request, app) = await PendingAsync(db, id, now, cancellationToken);
        if (request is null || app is null)
        {
            return Gone();
        }

        var root = await tree.FindRootAsync(userId, cancellationToken);
        if (root is null || !root.IsActiveAt(now))
        {
            return Problem.Result(ProblemType.Forbidden, "Your account's root token is missing or revoked, so nothing can be granted. Sign in again.");
        }

        var scopes = request.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (scopes.Where(s => !root.Scopes.Contains(s)).ToList() is { Count: > 0 } missing)
        {
            return Problem.Result(ProblemType.TokenWiderThanParent, $"The app asks for {string.Join(", ", missing)}, which your account does not hold. Deny the request, or ask the app for less.");
        }

        if (Tokens.TradingLimits.FromJson(app.TradingLimits)?.WiderThan(root.Trading) is { } wider)
        {
            return Problem.Result(ProblemType.TokenWiderThanParent, $"The app's trading limits are wider than your account's: {wider}.");
        }

        if (await stepUp.VerifyAsync(http, cancellationToken) is { } stepUpRefused)
        {
            return stepUpRefused;
        }

        var code = TokenFormat.Create("code");
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await CompleteAsync(db, request.Id, now, cancellationToken))
        {
            return Gone();
        }

        db.Table<OAuthCodeRow>().Add(new OAuthCodeRow
        {
            CodeHash = TokenFormat.Hash(code),
            ClientId = app.ClientId,
            UserId = userId,
            RedirectUri = request.RedirectUri,
            RedirectUriGiven = request.RedirectUriGiven,
            Scopes = request.Scopes,
            CodeChallenge = request.CodeChallenge,
            DpopJkt = request.DpopJkt,
            CreatedAt = now,
            ExpiresAt = now + OAuthLifetimes.Code,
        });
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(db, AuditEntry.For(http, "oauth.consent", AuditOutcome.Success, app.ClientId).With("scopes", request.Scopes), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new ConsentDecision(RedirectUris.With(request.RedirectUri, [
            new("code", code), new("state", request.State), new("iss", issuer.Value)])));
    }

    /// <summary>Denies: spends the request and sends the browser back with <c>access_denied</c> (RFC 6749 §4.1.2.1).</summary>
    internal static async Task<Results<Ok<ConsentDecision>, ProblemHttpResult>> Deny(
        string id, HttpContext http, IDbContextFactory<CofferDb> factory, OAuthIssuer issuer, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        if (NotAPerson(http.User) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (request, app) = await PendingAsync(db, id, now, cancellationToken);
        if (request is null || app is null)
        {
            return Gone();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await CompleteAsync(db, request.Id, now, cancellationToken))
        {
            return Gone();
        }

        await audit.AppendAsync(db, AuditEntry.For(http, "oauth.consent", AuditOutcome.Denied, app.ClientId).With("scopes", request.Scopes), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new ConsentDecision(RedirectUris.With(request.RedirectUri, [
            new("error", "access_denied"), new("error_description", "The user denied the request."), new("state", request.State), new("iss", issuer.Value)])));
    }

    /// <summary>The user's live grants, apps first by name: what they see under connected apps.</summary>
    internal static async Task<Ok<GrantListResponse>> ListGrants(ClaimsPrincipal user, IDbContextFactory<CofferDb> factory, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = AppEndpoints.UserId(user);
        var now = time.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await (
            from g in db.Table<OAuthGrantRow>().AsNoTracking()
            join t in db.Tokens.AsNoTracking() on g.Accessor equals t.Accessor
            join a in db.Table<OAuthAppRow>().AsNoTracking() on g.ClientId equals a.ClientId
            where g.UserId == userId && t.RevokedAt == null
            select new { Grant = g, Token = t, App = a }).ToListAsync(cancellationToken);
        var live = rows.Where(r => TokenInfo.From(r.Token).IsActiveAt(now)).ToList();
        var accessors = live.Select(r => r.Grant.Accessor).ToList();
        var lastUsed = (await db.Tokens.AsNoTracking()
                .Where(t => t.ParentAccessor != null && accessors.Contains(t.ParentAccessor) && t.LastUsedAt != null)
                .Select(t => new { t.ParentAccessor, t.LastUsedAt })
                .ToListAsync(cancellationToken))
            .GroupBy(x => x.ParentAccessor!)
            .ToDictionary(g => g.Key, g => g.Max(x => x.LastUsedAt));
        var owners = await AppEndpoints.OwnerNamesAsync(db, live.Select(r => r.App.OwnerId), cancellationToken);
        var grants = live
            .OrderBy(r => r.App.Name, StringComparer.OrdinalIgnoreCase).ThenByDescending(r => r.Grant.CreatedAt)
            .Select(r =>
            {
                var info = TokenInfo.From(r.Token);
                return new GrantView(
                    r.Grant.Accessor,
                    r.App.ClientId,
                    r.App.Name,
                    owners.GetValueOrDefault(r.App.OwnerId),
                    r.Grant.GrantType,
                    [.. info.Scopes.Order(StringComparer.Ordinal)],
                    TradingDto.From(info.Trading),
                    r.Grant.DpopJkt is not null,
                    r.Grant.CreatedAt,
                    info.ExpiresAt,
                    lastUsed.GetValueOrDefault(r.Grant.Accessor));
            })
            .ToList();
        return TypedResults.Ok(new GrantListResponse(grants));
    }

    /// <summary>Revokes one of the user's grants (the node, its access tokens, its refresh tokens), like revoking any token of theirs.</summary>
    internal static async Task<Results<Ok<RevokeResponse>, ProblemHttpResult>> RevokeGrant(
        string accessor, HttpContext http, IDbContextFactory<CofferDb> factory, OAuthGrants grants, AuditLog audit, ILogger<OAuthGrants> logger, CancellationToken cancellationToken)
    {
        var userId = AppEndpoints.UserId(http.User);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var grant = await db.Table<OAuthGrantRow>().AsNoTracking().SingleOrDefaultAsync(g => g.Accessor == accessor, cancellationToken);
        if (grant is null || (grant.UserId != userId && !AppEndpoints.IsAdmin(http.User)))
        {
            return Problem.Result(ProblemType.NotFound, "No grant with this accessor among yours.");
        }

        // The same rule as revoking any token: a person's session or root may; any other token only inside its subtree,
        // which a grant never is.
        if (!AppEndpoints.IsAdmin(http.User) && http.User.FindFirst(TokenAuthenticationHandler.KindClaim)?.Value is not ("trader" or "session"))
        {
            return Problem.Result(ProblemType.Forbidden, "Only you (signed in, or with your account's root token) can revoke an app's access.");
        }

        var revoked = await grants.RevokeAsync(accessor, cancellationToken);
        try
        {
            await audit.AppendAsync(AuditEntry.For(http, "oauth.grant.revoke", AuditOutcome.Success, accessor).With("client_id", grant.ClientId).With("revoked", revoked), CancellationToken.None);
        }
        catch (AuditUnavailableException)
        {
            OAuthLog.NotAudited(logger, "oauth.grant.revoke", accessor);
        }

        return TypedResults.Ok(new RevokeResponse(revoked));
    }

    private static async Task<(OAuthRequestRow? Request, OAuthAppRow? App)> PendingAsync(CofferDb db, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var request = await db.Table<OAuthRequestRow>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null || request.CompletedAt is not null || request.ExpiresAt <= now)
        {
            return (null, null);
        }

        var app = await db.Table<OAuthAppRow>().AsNoTracking().SingleOrDefaultAsync(a => a.ClientId == request.ClientId, cancellationToken);
        return app is null || app.DisabledAt is not null ? (null, null) : (request, app);
    }

    private static async Task<bool> CompleteAsync(CofferDb db, string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Table<OAuthRequestRow>().Where(r => r.Id == id && r.CompletedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CompletedAt, now), cancellationToken) == 1;

    private static ProblemHttpResult? NotAPerson(ClaimsPrincipal user) =>
        user.FindFirst(TokenAuthenticationHandler.KindClaim)?.Value == "session"
            ? null
            : Problem.Result(ProblemType.NotASession, "Consent is given by a person in the web app: sign in there. No token can answer an authorization request.");

    private static ProblemHttpResult Gone() =>
        Problem.Result(ProblemType.NotFound, "This authorization request is unknown, already answered or expired (they last 10 minutes). Go back to the app and start again.");
}
