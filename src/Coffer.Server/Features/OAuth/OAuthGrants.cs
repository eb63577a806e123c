using System.Security.Cryptography;
using Coffer.Server.Data;
using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Problems;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.OAuth;

/// <summary>What the token endpoint hands a client.</summary>
internal sealed record IssuedGrantTokens(string AccessToken, string? RefreshToken, TimeSpan ExpiresIn, IReadOnlyList<string> Scopes, string? DpopJkt);

/// <summary>An OAuth error of RFC 6749 §5.2 (or RFC 9449's <c>invalid_dpop_proof</c>), answered by the OAuth endpoints.</summary>
internal sealed class OAuthException(string error, string description, int status = StatusCodes.Status400BadRequest) : Exception(description)
{
    public string Error { get; } = error;

    public int Status { get; } = status;
}

/// <summary>
/// Grants are branches of the user's token tree (DESIGN §4, §7): a node of kind <c>grant</c> under the user's root,
/// carrying the consented scopes and the app's trading limits, whose value nobody ever holds; the access tokens it issues
/// are its children, and its refresh tokens are rows of <see cref="OAuthRefreshTokenRow"/> that are only good while the
/// node is live. Revoking the node — from the token list, the connected-apps list, the app's disabling, a freeze or
/// reuse detection — therefore ends everything of the grant at once, on every node (revocations are announced).
/// </summary>
internal sealed class OAuthGrants(
    IDbContextFactory<CofferDb> factory,
    TokenTree tree,
    TokenStore store,
    TimeProvider time,
    AuditLog audit,
    INotifier notifier,
    ILogger<OAuthGrants> logger)
{
    public const string AuthorizationCode = "authorization_code";
    public const string ClientCredentials = "client_credentials";

    /// <summary>How long expired access tokens of a grant are kept (for their access log) before a refresh deletes them.</summary>
    private static readonly TimeSpan ExpiredAccessTokenRetention = TimeSpan.FromDays(1);

    /// <summary>
    /// Redeems an authorization code (RFC 6749 §4.1.3): single use, bound to its client, redirect URI and PKCE verifier.
    /// Consuming the code, creating the grant and issuing its first tokens commit together; a code presented again
    /// revokes the grant it was redeemed for (ASVS 10.4.2), whoever presents it.
    /// </summary>
    public async Task<IssuedGrantTokens> RedeemCodeAsync(OAuthAppRow app, string code, string? redirectUri, string? verifier, string? dpopJkt, CancellationToken cancellationToken)
    {
        var hash = TokenFormat.Hash(code);
        var now = time.GetUtcNow();
        OAuthCodeRow? row;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            row = await db.Table<OAuthCodeRow>().AsNoTracking().SingleOrDefaultAsync(c => c.CodeHash == hash, cancellationToken);
        }

        if (row is null || !TokenFormat.TryParse(code, out var kind) || kind != "code")
        {
            throw new OAuthException("invalid_grant", "The authorization code is unknown.");
        }

        if (row.UsedAt is not null)
        {
            await CodeReusedAsync(row, app.ClientId, cancellationToken);
            throw new OAuthException("invalid_grant", "The authorization code was already used; the tokens issued for it are revoked.");
        }

        if (row.ExpiresAt <= now)
        {
            throw new OAuthException("invalid_grant", "The authorization code has expired: start the authorization again.");
        }

        // Every check that can fail comes after the code is spent (below, in the same transaction as the grant): a code
        // presented once with a wrong verifier, client or redirect URI is gone, as a guessed verifier must not get a second try.
        var failure = row.ClientId != app.ClientId ? "The authorization code was issued to another client."
            : row.RedirectUriGiven && !string.Equals(row.RedirectUri, redirectUri, StringComparison.Ordinal) ? "redirect_uri does not match the one of the authorization request."
            : !row.RedirectUriGiven && redirectUri is not null && !string.Equals(row.RedirectUri, redirectUri, StringComparison.Ordinal) ? "redirect_uri does not match the one of the authorization request."
            : verifier is null ? "code_verifier is required (PKCE)."
            : !Pkce.Verifies(verifier, row.CodeChallenge) ? "code_verifier does not match the code_challenge (PKCE)."
            : row.DpopJkt is { } boundTo && boundTo != dpopJkt ? "The authorization request bound the code to a DPoP key (dpop_jkt); send a DPoP proof signed with that key."
            : null;
        if (failure is not null)
        {
            await ConsumeAsync(hash, now, cancellationToken);
            throw new OAuthException("invalid_grant", failure);
        }

        var root = await tree.FindRootAsync(row.UserId, cancellationToken);
        if (root is null || !root.IsActiveAt(now))
        {
            await ConsumeAsync(hash, now, cancellationToken);
            throw new OAuthException("invalid_grant", "The user's account can no longer grant access (signed out of every device, frozen or removed).");
        }

        var scopes = row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        IssuedGrantTokens? issued = null;
        try
        {
            var grant = await tree.CreateChildAsync(
                root,
                new TokenRequest("grant", scopes, OAuthLifetimes.GrantAbsolute, Trading: Tokens.TradingLimits.FromJson(app.TradingLimits), DisplayName: app.Name),
                cancellationToken,
                accessor => GrantAudit(app, row.UserId, accessor, AuthorizationCode, scopes, dpopJkt),
                async (db, grantAccessor) =>
                {
                    var consumed = await db.Table<OAuthCodeRow>()
                        .Where(c => c.CodeHash == hash && c.UsedAt == null)
                        .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now).SetProperty(c => c.GrantAccessor, grantAccessor), cancellationToken);
                    if (consumed != 1)
                    {
                        throw new CodeRaceException();
                    }

                    db.Table<OAuthGrantRow>().Add(new OAuthGrantRow
                    {
                        Accessor = grantAccessor,
                        ClientId = app.ClientId,
                        UserId = row.UserId,
                        GrantType = AuthorizationCode,
                        DpopJkt = dpopJkt,
                        CreatedAt = now,
                    });
                    var node = GrantNode(db, grantAccessor);
                    var (access, expiresIn) = AddAccessToken(db, node, scopes, dpopJkt, now);
                    issued = new IssuedGrantTokens(access, AddRefreshToken(db, node, now), expiresIn, scopes, dpopJkt);
                    await db.SaveChangesAsync(cancellationToken);
                });
            await notifier.NotifyAsync(
                row.UserId,
                NotificationKind.TokenCreated,
                $"You gave the app {app.Name} access to Coffer",
                $"The app {app.Name} ({app.ClientId}) now holds a grant {grant.Accessor} with the scopes {string.Join(" ", scopes)}. You can revoke it at any time under connected apps; if this was not you, revoke it and freeze your account.",
                new Dictionary<string, string> { ["accessor"] = grant.Accessor, ["client_id"] = app.ClientId },
                cancellationToken);
        }
        catch (CodeRaceException)
        {
            // Another request redeemed the code between the read and now: that is a second use.
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var used = await db.Table<OAuthCodeRow>().AsNoTracking().SingleAsync(c => c.CodeHash == hash, cancellationToken);
            await CodeReusedAsync(used, app.ClientId, cancellationToken);
            throw new OAuthException("invalid_grant", "The authorization code was already used; the tokens issued for it are revoked.");
        }

        return issued!;
    }

    /// <summary>
    /// Rotates a refresh token (RFC 9700 §4.14.2): the presented one is spent and a new one issued with a new access
    /// token, in one transaction. Presenting a spent one is reuse — attacker or client, the server cannot tell — so the
    /// whole grant is revoked. A token unused for <see cref="OAuthLifetimes.RefreshIdle"/> has expired; no refresh
    /// outlives the grant's absolute lifetime.
    /// </summary>
    public async Task<IssuedGrantTokens> RefreshAsync(OAuthAppRow app, string refreshToken, IReadOnlyCollection<string>? narrowedScopes, string? dpopJkt, CancellationToken cancellationToken)
    {
        var hash = TokenFormat.Hash(refreshToken);
        var now = time.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Table<OAuthRefreshTokenRow>().AsNoTracking().SingleOrDefaultAsync(r => r.TokenHash == hash, cancellationToken);
        var grantRow = row is null ? null : await db.Table<OAuthGrantRow>().AsNoTracking().SingleOrDefaultAsync(g => g.Accessor == row.GrantAccessor, cancellationToken);
        if (row is null || grantRow is null || !TokenFormat.TryParse(refreshToken, out var kind) || kind != "refresh")
        {
            throw new OAuthException("invalid_grant", "The refresh token is unknown.");
        }

        // RFC 9700 §2.2.2: a refresh token is usable only by the client it was issued to. Another client presenting it
        // learns nothing and changes nothing (it may be a mix-up, not an attack on this grant).
        if (grantRow.ClientId != app.ClientId)
        {
            throw new OAuthException("invalid_grant", "The refresh token was issued to another client.");
        }

        var grant = await store.FindByAccessorAsync(grantRow.Accessor, cancellationToken);
        if (grant is null || !grant.IsActiveAt(now))
        {
            throw new OAuthException("invalid_grant", "The grant has ended (revoked, expired, or the app was disabled): authorize again.");
        }

        if (row.UsedAt is not null)
        {
            await RefreshReusedAsync(grantRow, cancellationToken);
            throw new OAuthException("invalid_grant", "The refresh token was already used, so the grant is revoked (refresh token reuse). Authorize again, and use each refresh token once.");
        }

        if (row.ExpiresAt <= now)
        {
            throw new OAuthException("invalid_grant", "The refresh token has expired (unused for too long): authorize again.");
        }

        // RFC 9449 §5: a refresh token bound to a key is good only with a proof of that key.
        if (grantRow.DpopJkt is { } boundTo && boundTo != dpopJkt)
        {
            throw new OAuthException("invalid_dpop_proof", "This grant is bound to a DPoP key: send a DPoP proof signed with it.");
        }

        var scopes = narrowedScopes is { Count: > 0 } ? narrowedScopes : [.. grant.Scopes.Order(StringComparer.Ordinal)];
        if (scopes.FirstOrDefault(s => !grant.Scopes.Contains(s)) is { } wider)
        {
            throw new OAuthException("invalid_scope", $"The grant does not include the scope {wider}; a refresh can only narrow the scopes.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var spent = await db.Table<OAuthRefreshTokenRow>()
            .Where(r => r.TokenHash == hash && r.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.UsedAt, now), cancellationToken);
        if (spent != 1)
        {
            await transaction.RollbackAsync(cancellationToken);
            await RefreshReusedAsync(grantRow, cancellationToken);
            throw new OAuthException("invalid_grant", "The refresh token was already used, so the grant is revoked (refresh token reuse). Authorize again, and use each refresh token once.");
        }

        var jkt = grantRow.DpopJkt ?? dpopJkt;
        var (access, expiresIn) = AddAccessToken(db, grant, scopes, jkt, now);
        var next = AddRefreshToken(db, grant, now);
        await db.SaveChangesAsync(cancellationToken);

        // Keeps a long-lived grant's branch small: an hourly refresh would otherwise leave an expired token a day.
        var cutoff = now - ExpiredAccessTokenRetention;
        // (tokens.expires_at is compared here, not in SQL: SQLite keeps it as text with its offset.)
        var children = await db.Tokens.AsNoTracking().Where(t => t.ParentAccessor == grant.Accessor && t.Kind == "oauth")
            .Select(t => new { t.Accessor, t.ExpiresAt }).ToListAsync(cancellationToken);
        var expired = children.Where(t => t.ExpiresAt < cutoff).Select(t => t.Accessor).ToList();
        if (expired.Count > 0)
        {
            await db.Tokens.Where(t => expired.Contains(t.Accessor)).ExecuteDeleteAsync(cancellationToken);
        }

        await db.Table<OAuthRefreshTokenRow>().Where(r => r.GrantAccessor == grant.Accessor && r.UsedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new IssuedGrantTokens(access, next, expiresIn, [.. scopes], jkt);
    }

    /// <summary>
    /// Client credentials (RFC 6749 §4.4): a confidential app acting as its owner, within the app's scopes and the owner's
    /// root. The grant node is made on first use and reused while live; access tokens only, never a refresh token.
    /// </summary>
    public async Task<IssuedGrantTokens> ClientCredentialsAsync(OAuthAppRow app, IReadOnlyCollection<string>? requested, string? dpopJkt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var root = await tree.FindRootAsync(app.OwnerId, cancellationToken);
        if (root is null || !root.IsActiveAt(now))
        {
            throw new OAuthException("unauthorized_client", "The app's owner has no live account tree (signed out everywhere, frozen or removed), so the app cannot act for them.");
        }

        var appScopes = app.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(root.Scopes.Contains).ToList();
        var scopes = requested is { Count: > 0 } ? requested : appScopes;
        if (scopes.FirstOrDefault(s => !appScopes.Contains(s, StringComparer.Ordinal)) is { } wider)
        {
            throw new OAuthException("invalid_scope", $"The app may not ask for {wider}: it was registered without it, or its owner does not hold it.");
        }

        if (scopes.Count == 0)
        {
            throw new OAuthException("invalid_scope", "None of the app's scopes is held by its owner any more.");
        }

        TokenInfo? grant = null;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            var candidates = await db.Table<OAuthGrantRow>().AsNoTracking()
                .Where(g => g.ClientId == app.ClientId && g.GrantType == ClientCredentials && g.UserId == app.OwnerId)
                .Select(g => g.Accessor).ToListAsync(cancellationToken);
            foreach (var accessor in candidates)
            {
                if (await store.FindByAccessorAsync(accessor, cancellationToken) is { } live && live.IsActiveAt(now)
                    && live.ParentAccessor == root.Accessor && scopes.All(live.Scopes.Contains))
                {
                    grant = live;
                    break;
                }
            }
        }

        (string Token, TimeSpan ExpiresIn) access = (string.Empty, TimeSpan.Zero);
        if (grant is null)
        {
            await tree.CreateChildAsync(
                root,
                new TokenRequest("grant", appScopes, Trading: Tokens.TradingLimits.FromJson(app.TradingLimits), DisplayName: app.Name),
                cancellationToken,
                accessor => GrantAudit(app, app.OwnerId, accessor, ClientCredentials, appScopes, dpopJkt),
                async (db, grantAccessor) =>
                {
                    db.Table<OAuthGrantRow>().Add(new OAuthGrantRow
                    {
                        Accessor = grantAccessor,
                        ClientId = app.ClientId,
                        UserId = app.OwnerId,
                        GrantType = ClientCredentials,
                        CreatedAt = now,
                    });
                    access = AddAccessToken(db, GrantNode(db, grantAccessor), scopes, dpopJkt, now);
                    await db.SaveChangesAsync(cancellationToken);
                });
        }
        else
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            access = AddAccessToken(db, grant, scopes, dpopJkt, now);
            await db.SaveChangesAsync(cancellationToken);
        }

        return new IssuedGrantTokens(access.Token, null, access.ExpiresIn, [.. scopes], dpopJkt);
    }

    /// <summary>The grant an access token was issued under, if it is an OAuth access token.</summary>
    public async Task<(TokenInfo Token, OAuthGrantRow Grant)?> FindAccessTokenAsync(string token, CancellationToken cancellationToken)
    {
        if (!TokenFormat.TryParse(token, out var kind) || kind != "oauth")
        {
            return null;
        }

        var hash = TokenFormat.Hash(token);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Tokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (row is null || !CryptographicOperations.FixedTimeEquals(row.TokenHash, hash) || row.ParentAccessor is null)
        {
            return null;
        }

        var grant = await db.Table<OAuthGrantRow>().AsNoTracking().SingleOrDefaultAsync(g => g.Accessor == row.ParentAccessor, cancellationToken);
        return grant is null ? null : (TokenInfo.From(row), grant);
    }

    /// <summary>The refresh token's row and grant, if the value is one of Coffer's.</summary>
    public async Task<(OAuthRefreshTokenRow Refresh, OAuthGrantRow Grant)?> FindRefreshTokenAsync(string token, CancellationToken cancellationToken)
    {
        if (!TokenFormat.TryParse(token, out var kind) || kind != "refresh")
        {
            return null;
        }

        var hash = TokenFormat.Hash(token);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Table<OAuthRefreshTokenRow>().AsNoTracking().SingleOrDefaultAsync(r => r.TokenHash == hash, cancellationToken);
        var grant = row is null ? null : await db.Table<OAuthGrantRow>().AsNoTracking().SingleOrDefaultAsync(g => g.Accessor == row.GrantAccessor, cancellationToken);
        return row is null || grant is null ? null : (row, grant);
    }

    /// <summary>Revokes a token of a grant, or the grant node and so everything issued under it; returns how many tokens were revoked.</summary>
    public Task<int> RevokeAsync(string grantAccessor, CancellationToken cancellationToken) => tree.RevokeAsync(grantAccessor, cancellationToken);

    /// <summary>Revokes every grant of an app (it was disabled).</summary>
    public async Task<int> RevokeAppAsync(string clientId, CancellationToken cancellationToken)
    {
        List<string> accessors;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            accessors = await db.Table<OAuthGrantRow>().AsNoTracking().Where(g => g.ClientId == clientId).Select(g => g.Accessor).ToListAsync(cancellationToken);
        }

        var revoked = 0;
        foreach (var accessor in accessors)
        {
            revoked += await tree.RevokeAsync(accessor, cancellationToken);
        }

        return revoked;
    }

    private async Task ConsumeAsync(byte[] hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.Table<OAuthCodeRow>().Where(c => c.CodeHash == hash && c.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), cancellationToken);
    }

    private async Task CodeReusedAsync(OAuthCodeRow row, string presentedBy, CancellationToken cancellationToken)
    {
        var revoked = row.GrantAccessor is { } grant ? await tree.RevokeAsync(grant, cancellationToken) : 0;
        await RecordAsync(new AuditEntry("oauth.code.reuse", AuditOutcome.Denied) { Actor = presentedBy, UserId = row.UserId, Target = row.GrantAccessor }
            .With("client_id", row.ClientId).With("revoked", revoked));
        if (revoked > 0)
        {
            await notifier.NotifyAsync(
                row.UserId,
                NotificationKind.TokenRevoked,
                "An app's access was revoked: its authorization code was used twice",
                $"The authorization code you gave the app {row.ClientId} was presented a second time, which means it may have been stolen. The grant {row.GrantAccessor} and its {revoked} token(s) were revoked. Authorize the app again if you trust it.",
                new Dictionary<string, string> { ["accessor"] = row.GrantAccessor!, ["client_id"] = row.ClientId },
                cancellationToken);
        }
    }

    private async Task RefreshReusedAsync(OAuthGrantRow grant, CancellationToken cancellationToken)
    {
        var revoked = await tree.RevokeAsync(grant.Accessor, cancellationToken);
        await RecordAsync(new AuditEntry("oauth.refresh.reuse", AuditOutcome.Denied) { Actor = grant.ClientId, UserId = grant.UserId, Target = grant.Accessor }
            .With("client_id", grant.ClientId).With("revoked", revoked));
        await notifier.NotifyAsync(
            grant.UserId,
            NotificationKind.TokenRevoked,
            "An app's access was revoked: a refresh token was used twice",
            $"A refresh token of the app {grant.ClientId} was presented after it had been replaced, so either the app misbehaves or someone copied its tokens. The grant {grant.Accessor} and {revoked} token(s) under it were revoked; the app must ask you again.",
            new Dictionary<string, string> { ["accessor"] = grant.Accessor, ["client_id"] = grant.ClientId },
            cancellationToken);
    }

    /// <summary>Revocations happen whether or not their record can be written (they protect); a missing record is logged.</summary>
    private async Task RecordAsync(AuditEntry entry)
    {
        try
        {
            await audit.AppendAsync(entry, CancellationToken.None);
        }
        catch (AuditUnavailableException)
        {
            OAuthLog.NotAudited(logger, entry.Action, entry.Target ?? string.Empty);
        }
    }

    private static AuditEntry GrantAudit(OAuthAppRow app, Guid userId, string accessor, string grantType, IEnumerable<string> scopes, string? dpopJkt) =>
        new AuditEntry("oauth.grant", AuditOutcome.Success) { Actor = app.ClientId, UserId = userId, Target = accessor }
            .With("grant_type", grantType)
            .With("client_id", app.ClientId)
            .With("scopes", string.Join(' ', scopes))
            .With("dpop_bound", dpopJkt is not null);

    /// <summary>The grant node just added in this transaction (by <see cref="TokenTree.CreateChildAsync"/>), as the tree made it.</summary>
    private static TokenInfo GrantNode(CofferDb db, string accessor) =>
        TokenInfo.From(db.ChangeTracker.Entries<TokenRow>().Single(e => e.Entity.Accessor == accessor).Entity);

    /// <summary>
    /// Adds an access token below <paramref name="grant"/>: the grant's IP ranges, trading limits and display name, the
    /// given scopes (a subset of the grant's, checked by the caller), and an expiry of at most an hour, never after the
    /// grant's. Returns its value and how long it lives.
    /// </summary>
    private static (string Token, TimeSpan ExpiresIn) AddAccessToken(CofferDb db, TokenInfo grant, IEnumerable<string> scopes, string? dpopJkt, DateTimeOffset now)
    {
        var token = TokenFormat.Create("oauth");
        var expires = now + OAuthLifetimes.AccessToken;
        if (grant.ExpiresAt is { } limit && limit < expires)
        {
            expires = limit;
        }

        db.Tokens.Add(new TokenRow
        {
            Accessor = TokenFormat.CreateAccessor(),
            TokenHash = TokenFormat.Hash(token),
            Kind = "oauth",
            UserId = grant.UserId,
            ParentAccessor = grant.Accessor,
            Scopes = string.Join(' ', scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
            CreatedAt = now,
            ExpiresAt = expires,
            IpAllowlist = IpAllowlist.Format(grant.IpAllowlist),
            TradingLimits = grant.Trading?.ToJson(),
            DisplayName = grant.DisplayName,
            DpopJkt = dpopJkt,
        });
        return (token, expires - now);
    }

    /// <summary>Adds a refresh token of <paramref name="grant"/>: idle expiry, never after the grant's absolute one.</summary>
    private static string AddRefreshToken(CofferDb db, TokenInfo grant, DateTimeOffset now)
    {
        var token = TokenFormat.Create("refresh");
        var expires = now + OAuthLifetimes.RefreshIdle;
        db.Table<OAuthRefreshTokenRow>().Add(new OAuthRefreshTokenRow
        {
            TokenHash = TokenFormat.Hash(token),
            GrantAccessor = grant.Accessor,
            CreatedAt = now,
            ExpiresAt = grant.ExpiresAt is { } limit && limit < expires ? limit : expires,
        });
        return token;
    }

    private sealed class CodeRaceException : Exception;
}

internal static partial class OAuthLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "OAuth action {Action} on {Target} happened but its audit record could not be written")]
    public static partial void NotAudited(ILogger logger, string action, string target);
}
