using System.Security.Claims;
using Coffer.Server.Data;
using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Features.Versioning;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Tokens;

/// <summary>
/// <c>/api/v1/tokens</c>: create a child of the calling token or of the user's root, list, look up by accessor, revoke a subtree, read a
/// token's access log. Token values are returned once, at creation; everything else speaks in accessors.
/// </summary>
internal static class TokenEndpoints
{
    public const string ReadPolicy = Scopes.TokensRead;
    public const string WritePolicy = Scopes.TokensWrite;
    public const string AuthenticatedPolicy = "authenticated";
    private const int MaxPage = 200;
    private const string ParentSelf = "self";
    private const string ParentRoot = "root";

    /// <summary>
    /// <c>GET /tokens/{accessor}/log</c> read as if it were the audit log; <c>/access-log</c> says what it is (DESIGN §1.3:
    /// every token has an access log, the server one audit log). The old name answers, unchanged, until the sunset.
    /// </summary>
    public const string AccessLogSuccessor = "/api/v1/tokens/{accessor}/access-log";

    public static readonly DateTimeOffset LogDeprecated = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset LogSunset = new(2027, 7, 1, 0, 0, 0, TimeSpan.Zero);

    public static IServiceCollection AddTokens(this IServiceCollection services)
    {
        services.AddSingleton<TokenEvents>();
        services.AddHostedService(sp => sp.GetRequiredService<TokenEvents>());
        services.AddSingleton<TokenStore>();
        services.AddSingleton<TokenTree>();
        services.AddSingleton<IpDeniedNotices>();
        services.AddSingleton<AccessLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AccessLogWriter>());
        return services;
    }

    public static AuthorizationBuilder AddTokenPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(ReadPolicy, p => p.RequireClaim(TokenAuthenticationHandler.ScopeClaim, Scopes.TokensRead))
        .AddPolicy(WritePolicy, p => p.RequireClaim(TokenAuthenticationHandler.ScopeClaim, Scopes.TokensWrite))
        .AddPolicy(AuthenticatedPolicy, p => p.RequireAuthenticatedUser());

    public static IEndpointRouteBuilder MapTokenEndpoints(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/api/v1/tokens").WithTags("tokens");
        tokens.MapPost("/", Create).RequireAuthorization(WritePolicy);
        tokens.MapGet("/", List).RequireAuthorization(ReadPolicy);
        tokens.MapGet("/self", Self).RequireAuthorization(AuthenticatedPolicy);
        tokens.MapPost("/self/revoke", RevokeSelf).RequireAuthorization(AuthenticatedPolicy);
        tokens.MapGet("/{accessor}", Lookup).RequireAuthorization(ReadPolicy);
        tokens.MapPost("/{accessor}/revoke", Revoke).RequireAuthorization(WritePolicy);
        tokens.MapGet("/{accessor}/access-log", Log).RequireAuthorization(ReadPolicy);
        tokens.MapGet("/{accessor}/log", Log).RequireAuthorization(ReadPolicy).Deprecated(LogDeprecated, LogSunset, AccessLogSuccessor);
        return app;
    }

    /// <summary>
    /// Creates a token below the calling token (<c>"parent":"self"</c>, the default), or below the user's root token
    /// (<c>"parent":"root"</c>). A token made from a 12-hour web session would die with it at sign-out or expiry; one
    /// under the root lives as long as it was asked to. That is why <c>root</c> is for the person only — a sign-in
    /// session directly under the root, or the root itself — and always needs step-up: an API token must never mint
    /// siblings of itself, wider than itself, and a stolen session must not mint tokens that outlive it without the
    /// second factor. The limits are checked against the root, as any child's against its parent.
    /// </summary>
    internal static async Task<Results<Created<CreatedTokenResponse>, ProblemHttpResult>> Create(CreateTokenRequest request, HttpContext http, TokenStore store, TokenTree tree, INotifier notifier, Identity.StepUp stepUp, TimeProvider time, CancellationToken cancellationToken)
    {
        // The API mints API tokens only. Sessions come from signing in and credentials from connecting an exchange: a
        // "session" minted by an API token would pass every check that trusts the kind (the security centre, revoking
        // any of the user's tokens), so a leaked API token could make itself a person.
        if (request.Kind is not (null or "api"))
        {
            return Problem.Result(ProblemType.InvalidArgument, "Only API tokens are created here (kind \"api\"): sign-in sessions come from signing in, exchange credentials from connecting an exchange.");
        }

        if (request.Parent is not (null or ParentSelf or ParentRoot))
        {
            return Problem.Result(ProblemType.InvalidArgument, $"parent must be \"{ParentSelf}\" (a child of the calling token, the default) or \"{ParentRoot}\" (a child of your account's root token).");
        }

        var underRoot = request.Parent == ParentRoot;
        var caller = await CallerAsync(http.User, store, cancellationToken);
        var parent = caller;
        if (underRoot)
        {
            if (caller.Kind is not ("session" or "trader"))
            {
                return NotForThisToken();
            }

            // Fail closed: without a live root on record nothing is created, whoever asks.
            var root = await tree.FindRootAsync(caller.UserId, cancellationToken);
            if (root is null || !root.IsActiveAt(time.GetUtcNow()))
            {
                return Problem.Result(ProblemType.Forbidden, "Your account's root token is missing or revoked, so nothing can be created under it. Sign in again: a new sign-in starts a fresh tree.");
            }

            // The caller is checked against the root, not trusted for its kind alone: a token of kind session minted
            // through this API below an API token is not directly under the root, and gets no more than that API token.
            if (caller.Accessor != root.Accessor && !(caller.Kind == "session" && caller.ParentAccessor == root.Accessor))
            {
                return NotForThisToken();
            }

            if ((request.Kind ?? "api") != "api")
            {
                return Problem.Result(ProblemType.InvalidArgument, $"A token under the root (\"parent\":\"{ParentRoot}\") is an API token: leave kind out or send \"api\".");
            }

            parent = root;
        }

        var ipAllowlist = new List<System.Net.IPNetwork>();
        foreach (var text in request.IpAllowlist ?? [])
        {
            if (!IpAllowlist.TryParse(text, out var network))
            {
                return Problem.Result(ProblemType.InvalidArgument, "ip_allowlist entries must be IP addresses or CIDR ranges such as 203.0.113.0/24.");
            }

            ipAllowlist.Add(network);
        }

        if (request.TtlSeconds is < 1 or > 10L * 365 * 24 * 3600)
        {
            return Problem.Result(ProblemType.InvalidArgument, "ttl_seconds must be between 1 and ten years.");
        }

        var trading = request.Trading is { } t ? new TradingLimits(t.Exchanges, t.Symbols, t.MaxOrderNotional, t.PriceBandPercent, t.DailyVolumeCap) : null;
        if (trading is { MaxOrderNotional: <= 0 } or { PriceBandPercent: <= 0 } or { DailyVolumeCap: <= 0 })
        {
            return Problem.Result(ProblemType.InvalidArgument, "Trading limits must be positive.");
        }

        // Step-up (DESIGN §4): a token that can trade is created only with a fresh one-time code, and so is any token
        // under the root, which outlives the session that asks for it. It comes after the checks above, so a typo does
        // not spend a code; one proof per request, as codes are single-use.
        if ((underRoot || request.Scopes?.Contains(Scopes.OrdersWrite, StringComparer.Ordinal) == true) && await stepUp.VerifyAsync(http, cancellationToken) is { } refused)
        {
            return refused;
        }

        var issued = await tree.CreateChildAsync(
            parent,
            new TokenRequest(
                request.Kind ?? "api",
                request.Scopes ?? [],
                request.TtlSeconds is { } ttl ? TimeSpan.FromSeconds(ttl) : null,
                ipAllowlist,
                request.MaxUses,
                trading,
                request.DisplayName),
            cancellationToken,
            accessor => AuditEntry.For(http, "token.create", AuditOutcome.Success, accessor)
                .With("kind", request.Kind ?? "api")
                .With("scopes", string.Join(' ', (request.Scopes ?? []).Order(StringComparer.Ordinal)))
                .With("parent", parent.Accessor)
                .With("created_by", caller.Accessor));
        var where = underRoot ? $" under your account's root token {parent.Accessor}, so it does not end when that session does," : string.Empty;
        await notifier.NotifyAsync(
            issued.Info.UserId,
            NotificationKind.TokenCreated,
            "A Coffer token was created",
            $"Token {issued.Accessor} ({issued.Info.Kind}, scopes {string.Join(" ", issued.Info.Scopes.Order(StringComparer.Ordinal))}) was created by token {caller.Accessor} ({caller.Kind}){where}. If this was not you, revoke it and freeze your account.",
            new Dictionary<string, string> { ["accessor"] = issued.Accessor, ["parent"] = parent.Accessor, ["created_by"] = caller.Accessor },
            cancellationToken);
        return TypedResults.Created($"/api/v1/tokens/{issued.Accessor}", new CreatedTokenResponse(issued.Token, issued.Accessor, TokenView.From(issued.Info)));
    }

    private static ProblemHttpResult NotForThisToken() => Problem.Result(
        ProblemType.Forbidden,
        $"Only a sign-in session or your account's root token may create a token under the root (\"parent\":\"{ParentRoot}\"). This token may create tokens only below itself: send \"parent\":\"{ParentSelf}\" or leave parent out.");

    internal static async Task<Results<Ok<TokenListResponse>, ProblemHttpResult>> List(
        ClaimsPrincipal user,
        IDbContextFactory<CofferDb> factory,
        CancellationToken cancellationToken,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "include_revoked")] bool includeRevoked = false,
        int limit = 50,
        string? after = null)
    {
        if (limit is < 1 or > MaxPage)
        {
            return Problem.Result(ProblemType.InvalidArgument, $"limit must be between 1 and {MaxPage}.");
        }

        var userId = UserId(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = db.Tokens.AsNoTracking().Where(x => x.UserId == userId);
        if (!includeRevoked)
        {
            query = query.Where(x => x.RevokedAt == null);
        }

        if (after is not null)
        {
            query = query.Where(x => string.Compare(x.Accessor, after) > 0);
        }

        var rows = await query.OrderBy(x => x.Accessor).Take(limit + 1).ToListAsync(cancellationToken);
        var items = rows.Take(limit).Select(r => TokenView.From(TokenInfo.From(r))).ToList();
        return TypedResults.Ok(new TokenListResponse(items, rows.Count > limit ? items[^1].Accessor : null));
    }

    internal static async Task<Ok<TokenView>> Self(ClaimsPrincipal user, TokenStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(TokenView.From(await CallerAsync(user, store, cancellationToken)));

    internal static async Task<Ok<RevokeResponse>> RevokeSelf(HttpContext http, TokenTree tree, INotifier notifier, AuditLog audit, ILogger<TokenTree> logger, CancellationToken cancellationToken)
    {
        var user = http.User;
        var revoked = await tree.RevokeAsync(Accessor(user), cancellationToken);
        await RecordRevocationAsync(audit, http, Accessor(user), revoked, logger);
        await NotifyRevokedAsync(notifier, UserId(user), Accessor(user), revoked, Accessor(user), cancellationToken);
        return TypedResults.Ok(new RevokeResponse(revoked));
    }

    internal static async Task<Results<Ok<TokenView>, ProblemHttpResult>> Lookup(string accessor, ClaimsPrincipal user, TokenStore store, CancellationToken cancellationToken)
    {
        var target = await store.FindByAccessorAsync(accessor, cancellationToken);
        return target is not null && MaySee(user, target)
            ? TypedResults.Ok(TokenView.From(target))
            : NotFound();
    }

    internal static async Task<Results<Ok<RevokeResponse>, ProblemHttpResult>> Revoke(string accessor, HttpContext http, TokenStore store, TokenTree tree, INotifier notifier, AuditLog audit, ILogger<TokenTree> logger, CancellationToken cancellationToken)
    {
        var user = http.User;
        var target = await store.FindByAccessorAsync(accessor, cancellationToken);
        if (target is null || !MaySee(user, target))
        {
            return NotFound();
        }

        // A session or the root acts for the user and may revoke any of the user's tokens; any other token only its
        // own subtree, so a leaked child cannot take down its parent or its siblings.
        var callerKind = user.FindFirst(TokenAuthenticationHandler.KindClaim)?.Value;
        if (!IsAdmin(user) && callerKind is not ("trader" or "session") && !await tree.IsInSubtreeAsync(Accessor(user), accessor, cancellationToken))
        {
            return Problem.Result(ProblemType.Forbidden, "This token may revoke only itself and the tokens it created.");
        }

        var revoked = await tree.RevokeAsync(accessor, cancellationToken);
        await RecordRevocationAsync(audit, http, accessor, revoked, logger);
        await NotifyRevokedAsync(notifier, target.UserId, accessor, revoked, Accessor(user), cancellationToken);
        return TypedResults.Ok(new RevokeResponse(revoked));
    }

    /// <summary>
    /// Revocation protects, so it is never held back by the audit log (as seal is not): it happens, and its record is
    /// written after it; if that fails, the failure is logged for the operator.
    /// </summary>
    private static async Task RecordRevocationAsync(AuditLog audit, HttpContext http, string accessor, int revoked, ILogger logger)
    {
        try
        {
            await audit.AppendAsync(AuditEntry.For(http, "token.revoke", AuditOutcome.Success, accessor).With("revoked", revoked), CancellationToken.None);
        }
        catch (AuditUnavailableException)
        {
            TokenLog.RevocationNotAudited(logger, accessor);
        }
    }

    private static Task NotifyRevokedAsync(INotifier notifier, Guid userId, string accessor, int revoked, string by, CancellationToken cancellationToken) =>
        revoked == 0
            ? Task.CompletedTask
            : notifier.NotifyAsync(
                userId,
                NotificationKind.TokenRevoked,
                "A Coffer token was revoked",
                $"Token {accessor} and everything below it ({revoked} token(s) in all) were revoked by token {by}.",
                new Dictionary<string, string> { ["accessor"] = accessor, ["revoked"] = revoked.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                cancellationToken);

    internal static async Task<Results<Ok<AccessLogResponse>, ProblemHttpResult>> Log(
        string accessor,
        ClaimsPrincipal user,
        TokenStore store,
        IDbContextFactory<CofferDb> factory,
        CancellationToken cancellationToken,
        long? before = null,
        int limit = 100)
    {
        if (limit is < 1 or > MaxPage * 5)
        {
            return Problem.Result(ProblemType.InvalidArgument, $"limit must be between 1 and {MaxPage * 5}.");
        }

        var target = await store.FindByAccessorAsync(accessor, cancellationToken);
        if (target is null || !MaySee(user, target))
        {
            return NotFound();
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = db.Table<AccessLogRow>().AsNoTracking().Where(x => x.Accessor == accessor);
        if (before is { } id)
        {
            query = query.Where(x => x.Id < id);
        }

        var rows = await query.OrderByDescending(x => x.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var items = rows.Take(limit)
            .Select(r => new AccessLogEntryView(r.Id, DateTimeOffset.FromUnixTimeMilliseconds(r.OccurredAt), r.ClientIp, r.UserAgent, r.Method, r.Route, r.Status, r.LatencyMs))
            .ToList();
        return TypedResults.Ok(new AccessLogResponse(items, rows.Count > limit ? items[^1].Id : null));
    }

    private static async Task<TokenInfo> CallerAsync(ClaimsPrincipal user, TokenStore store, CancellationToken cancellationToken) =>
        await store.FindByAccessorAsync(Accessor(user), cancellationToken)
        ?? throw new TokenTreeException(ProblemType.Unauthorized, "The calling token no longer exists.");

    private static bool MaySee(ClaimsPrincipal user, TokenInfo target) => target.UserId == UserId(user) || IsAdmin(user);

    private static bool IsAdmin(ClaimsPrincipal user) => user.HasClaim(TokenAuthenticationHandler.ScopeClaim, Scopes.Admin);

    private static string Accessor(ClaimsPrincipal user) => user.FindFirst(TokenAuthenticationHandler.AccessorClaim)!.Value;

    private static Guid UserId(ClaimsPrincipal user) => Guid.Parse(user.FindFirst(ClaimTypes.NameIdentifier)!.Value);

    // Another user's token is "not found", not "forbidden": accessors of other users are not confirmed to exist.
    private static ProblemHttpResult NotFound() => Problem.Result(ProblemType.NotFound, "No token with this accessor among yours.");
}

internal static partial class TokenLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Token {Accessor} was revoked but its audit record could not be written")]
    public static partial void RevocationNotAudited(ILogger logger, string accessor);

    [LoggerMessage(Level = LogLevel.Error, Message = "Token {Accessor} was refused for its address but the audit record could not be written")]
    public static partial void IpDeniedNotAudited(ILogger logger, string accessor);
}
