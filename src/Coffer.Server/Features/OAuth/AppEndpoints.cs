using System.Security.Claims;
using Coffer.Server.Data;
using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.OAuth;

/// <summary>
/// <c>/api/v1/apps</c>: the OAuth clients a user registers (issue 7 §1). An app asks for at most the scopes it was
/// registered with; what it gets is what a user consents to, as a branch of that user's token tree. A confidential
/// client's secret is shown once, at registration, and stored as its SHA-256 only.
/// </summary>
internal static class AppEndpoints
{
    public const int MaxName = 100;

    /// <summary>Scopes no app may hold: they run the server, mint tokens or change the account itself.</summary>
    public static readonly IReadOnlySet<string> NeverForApps = new HashSet<string>(StringComparer.Ordinal)
    {
        Scopes.Admin, Scopes.SysSeal, Scopes.SysRotate, Scopes.SysStatus, Scopes.TokensWrite, Scopes.AccountWrite,
    };

    public static RouteGroupBuilder MapAppEndpoints(this IEndpointRouteBuilder app)
    {
        var apps = app.MapGroup("/api/v1/apps").WithTags("apps");
        apps.MapPost("/", Create).RequireAuthorization(TokenEndpoints.WritePolicy);
        apps.MapGet("/", List).RequireAuthorization(TokenEndpoints.ReadPolicy);
        apps.MapGet("/{clientId}", Get).RequireAuthorization(TokenEndpoints.ReadPolicy);
        apps.MapPost("/{clientId}/disable", Disable).RequireAuthorization(TokenEndpoints.WritePolicy);
        return apps;
    }

    internal static async Task<Results<Created<CreatedAppResponse>, ProblemHttpResult>> Create(
        CreateAppRequest request, HttpContext http, IDbContextFactory<CofferDb> factory, TokenTree tree, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxName || name.Any(char.IsControl))
        {
            return Problem.Result(ProblemType.InvalidArgument, $"name is required: at most {MaxName} printable characters, shown to people on the consent page.");
        }

        if (request.Type is not (ClientTypes.Public or ClientTypes.Confidential))
        {
            return Problem.Result(ProblemType.InvalidArgument, "type must be \"public\" (runs where it cannot keep a secret: a browser or phone app, a CLI) or \"confidential\" (a server that keeps a client secret).");
        }

        var redirects = request.RedirectUris ?? [];
        if (redirects.Count > RedirectUris.MaxCount)
        {
            return Problem.Result(ProblemType.InvalidArgument, $"At most {RedirectUris.MaxCount} redirect_uris.");
        }

        if (redirects.Count == 0 && request.Type == ClientTypes.Public)
        {
            return Problem.Result(ProblemType.InvalidArgument, "A public app signs people in through the browser, so it needs at least one redirect_uri.");
        }

        foreach (var uri in redirects)
        {
            if (RedirectUris.Problem(uri) is { } why)
            {
                return Problem.Result(ProblemType.InvalidArgument, $"redirect_uris: {why}.");
            }
        }

        var scopes = (request.Scopes ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (scopes.Count == 0)
        {
            return Problem.Result(ProblemType.InvalidArgument, "scopes must name at least one scope the app may ask for.");
        }

        if (scopes.FirstOrDefault(s => !Scopes.All.Contains(s)) is { } unknown)
        {
            return Problem.Result(ProblemType.InvalidArgument, $"Unknown scope '{(unknown.Length > 40 ? unknown[..40] + "…" : unknown)}'.");
        }

        if (scopes.Where(NeverForApps.Contains).ToList() is { Count: > 0 } never)
        {
            return Problem.Result(ProblemType.InvalidArgument, $"An app may not hold {string.Join(", ", never)}: those run the server, mint tokens or change the account.");
        }

        var userId = UserId(http.User);
        var root = await tree.FindRootAsync(userId, cancellationToken);
        if (root is null || !root.IsActiveAt(time.GetUtcNow()))
        {
            return Problem.Result(ProblemType.Forbidden, "Your account's root token is missing or revoked. Sign in again.");
        }

        if (scopes.Where(s => !root.Scopes.Contains(s)).ToList() is { Count: > 0 } notHeld)
        {
            return Problem.Result(ProblemType.TokenWiderThanParent, $"Your account does not hold {string.Join(", ", notHeld)}, so no app of yours can ask for it.");
        }

        var trading = TradingDto.From(request.Trading);
        if (trading is { MaxOrderNotional: <= 0 } or { PriceBandPercent: <= 0 } or { DailyVolumeCap: <= 0 })
        {
            return Problem.Result(ProblemType.InvalidArgument, "Trading limits must be positive.");
        }

        var secret = request.Type == ClientTypes.Confidential ? TokenFormat.Create("client") : null;
        var row = new OAuthAppRow
        {
            ClientId = "app_" + TokenFormat.CreateAccessor()["acc_".Length..],
            OwnerId = userId,
            Name = name,
            ClientType = request.Type,
            SecretHash = secret is null ? null : TokenFormat.Hash(secret),
            RedirectUris = string.Join('\n', redirects.Distinct(StringComparer.Ordinal)),
            Scopes = string.Join(' ', scopes),
            TradingLimits = trading?.ToJson(),
            DpopBound = request.DpopBound ?? false,
            CreatedAt = time.GetUtcNow(),
        };

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Table<OAuthAppRow>().Add(row);
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(db, AuditEntry.For(http, "oauth.app.create", AuditOutcome.Success, row.ClientId)
            .With("type", row.ClientType).With("scopes", row.Scopes).With("dpop_bound", row.DpopBound), cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var view = await ViewAsync(db, row, cancellationToken);
        return TypedResults.Created($"/api/v1/apps/{row.ClientId}", new CreatedAppResponse(
            view.ClientId, secret, view.Name, view.Type, view.RedirectUris, view.Scopes, view.Trading, view.DpopBound, view.OwnerId, view.Owner, view.CreatedAt, view.DisabledAt));
    }

    internal static async Task<Results<Ok<AppListResponse>, ProblemHttpResult>> List(
        ClaimsPrincipal user, IDbContextFactory<CofferDb> factory, CancellationToken cancellationToken, bool all = false)
    {
        if (all && !IsAdmin(user))
        {
            return Problem.Result(ProblemType.Forbidden, "Only an admin lists every user's apps (all=true); leave it out to list yours.");
        }

        var userId = UserId(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = db.Table<OAuthAppRow>().AsNoTracking();
        if (!all)
        {
            query = query.Where(a => a.OwnerId == userId);
        }

        var rows = await query.OrderBy(a => a.Name).ThenBy(a => a.ClientId).Take(1000).ToListAsync(cancellationToken);
        var owners = await OwnerNamesAsync(db, rows.Select(r => r.OwnerId), cancellationToken);
        return TypedResults.Ok(new AppListResponse([.. rows.Select(r => View(r, owners.GetValueOrDefault(r.OwnerId)))]));
    }

    internal static async Task<Results<Ok<AppView>, ProblemHttpResult>> Get(string clientId, ClaimsPrincipal user, IDbContextFactory<CofferDb> factory, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Table<OAuthAppRow>().AsNoTracking().SingleOrDefaultAsync(a => a.ClientId == clientId, cancellationToken);
        return row is not null && (row.OwnerId == UserId(user) || IsAdmin(user))
            ? TypedResults.Ok(await ViewAsync(db, row, cancellationToken))
            : NotFound();
    }

    /// <summary>
    /// Disables the app for good and revokes every grant any user gave it, with everything issued under them: the
    /// change reaches every node at once (token revocation is announced), and no new grant can start.
    /// </summary>
    internal static async Task<Results<Ok<AppView>, ProblemHttpResult>> Disable(
        string clientId, HttpContext http, IDbContextFactory<CofferDb> factory, OAuthGrants grants, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Table<OAuthAppRow>().SingleOrDefaultAsync(a => a.ClientId == clientId, cancellationToken);
        if (row is null || (row.OwnerId != UserId(http.User) && !IsAdmin(http.User)))
        {
            return NotFound();
        }

        if (row.DisabledAt is null)
        {
            row.DisabledAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }

        // Revocation protects, so it is done whether or not the audit record can be written (as token revocation is).
        var revoked = await grants.RevokeAppAsync(clientId, cancellationToken);
        try
        {
            await audit.AppendAsync(AuditEntry.For(http, "oauth.app.disable", AuditOutcome.Success, clientId).With("revoked", revoked), CancellationToken.None);
        }
        catch (AuditUnavailableException)
        {
            OAuthLog.NotAudited(http.RequestServices.GetRequiredService<ILogger<OAuthGrants>>(), "oauth.app.disable", clientId);
        }

        return TypedResults.Ok(await ViewAsync(db, row, cancellationToken));
    }

    internal static AppView View(OAuthAppRow row, string? owner) => new(
        row.ClientId,
        row.Name,
        row.ClientType,
        SplitUris(row.RedirectUris),
        [.. row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries)],
        TradingDto.From(Tokens.TradingLimits.FromJson(row.TradingLimits)),
        row.DpopBound,
        row.OwnerId,
        owner,
        row.CreatedAt,
        row.DisabledAt);

    internal static IReadOnlyList<string> SplitUris(string stored) => [.. stored.Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    internal static async Task<Dictionary<Guid, string?>> OwnerNamesAsync(CofferDb db, IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Distinct().ToList();
        return await db.Users.AsNoTracking().Where(u => wanted.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.UserName, cancellationToken);
    }

    private static async Task<AppView> ViewAsync(CofferDb db, OAuthAppRow row, CancellationToken cancellationToken) =>
        View(row, (await OwnerNamesAsync(db, [row.OwnerId], cancellationToken)).GetValueOrDefault(row.OwnerId));

    private static ProblemHttpResult NotFound() => Problem.Result(ProblemType.NotFound, "No app with this client_id among yours.");

    internal static bool IsAdmin(ClaimsPrincipal user) => user.HasClaim(TokenAuthenticationHandler.ScopeClaim, Scopes.Admin);

    internal static Guid UserId(ClaimsPrincipal user) => Guid.Parse(user.FindFirst(ClaimTypes.NameIdentifier)!.Value);
}
