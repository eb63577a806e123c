using System.Net;
using Coffer.Server.Data;
using Coffer.Server.Hosting;
using Coffer.Server.Problems;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Tokens;

/// <summary>What a caller asks for when creating a child token. Null members inherit the parent's.</summary>
internal sealed record TokenRequest(
    string Kind,
    IReadOnlyCollection<string> Scopes,
    TimeSpan? Ttl = null,
    IReadOnlyList<IPNetwork>? IpAllowlist = null,
    int? MaxUses = null,
    TradingLimits? Trading = null,
    string? DisplayName = null);

/// <summary>A request the tree refuses; <see cref="Type"/> becomes the problem type.</summary>
internal sealed class TokenTreeException(ProblemType type, string message) : Exception(message)
{
    public ProblemType Type { get; } = type;
}

/// <summary>
/// The token tree (DESIGN §4, security.md §2): every token but a user's root has a parent, and is never more powerful
/// than it — scopes a subset, expiry no later, IP ranges inside, use and trading limits no wider. Revoking a token
/// revokes its whole subtree in one statement and tells every node.
/// </summary>
internal sealed class TokenTree(IDbContextFactory<CofferDb> factory, TokenStore store, TokenEvents events, ServerSettings settings, TimeProvider time, Audit.AuditLog audit)
{
    public const int MaxDisplayName = 100;
    private static readonly System.Collections.Frozen.FrozenSet<string> ChildKinds =
        System.Collections.Frozen.FrozenSet.ToFrozenSet(["session", "api", "credential", "oauth", "wrap", "grant"], StringComparer.Ordinal);

    /// <summary>A user's root trader token: the top of their tree, with the scopes their role allows.</summary>
    public async Task<IssuedToken> CreateRootAsync(Guid userId, IReadOnlyCollection<string> scopes, CancellationToken cancellationToken)
    {
        CheckScopesKnown(scopes);
        var token = TokenFormat.Create("trader");
        return await store.InsertAsync(NewRow(token, "trader", userId, null, scopes, null, [], null, null, null), token, cancellationToken);
    }

    /// <summary>
    /// The user's root: the trader token recorded on the user (<c>users.root_accessor</c>, which sign-in follows and
    /// replaces when the root is gone), provided it is that user's, of kind trader and parentless. Null when there is
    /// none; it may be revoked or expired (the caller decides).
    /// </summary>
    public async Task<TokenInfo?> FindRootAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var accessor = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.RootAccessor).SingleOrDefaultAsync(cancellationToken);
        if (accessor is null)
        {
            return null;
        }

        var row = await db.Tokens.AsNoTracking()
            .SingleOrDefaultAsync(t => t.Accessor == accessor && t.UserId == userId && t.Kind == "trader" && t.ParentAccessor == null, cancellationToken);
        return row is null ? null : TokenInfo.From(row);
    }

    /// <summary>
    /// Creates a child of <paramref name="parent"/>, refusing anything wider than the parent. With <paramref name="record"/>
    /// (given the new accessor) the creation and its audit record commit together, or neither does (DESIGN §1.3);
    /// <paramref name="alsoInTransaction"/> (given the same) writes what must commit with them, e.g. the row that holds
    /// the new token. Whatever either throws rolls the token back.
    /// </summary>
    public async Task<IssuedToken> CreateChildAsync(
        TokenInfo parent,
        TokenRequest request,
        CancellationToken cancellationToken,
        Func<string, Audit.AuditEntry>? record = null,
        Func<CofferDb, string, Task>? alsoInTransaction = null)
    {
        var now = time.GetUtcNow();
        if (!parent.IsActiveAt(now))
        {
            throw new TokenTreeException(ProblemType.Unauthorized, "The parent token is revoked or expired.");
        }

        if (!ChildKinds.Contains(request.Kind))
        {
            throw new TokenTreeException(ProblemType.InvalidArgument, $"kind must be one of {string.Join(", ", ChildKinds.Order(StringComparer.Ordinal))}.");
        }

        if (request.Scopes.Count == 0)
        {
            throw new TokenTreeException(ProblemType.InvalidArgument, "A token needs at least one scope.");
        }

        CheckScopesKnown(request.Scopes);
        var missing = request.Scopes.Where(s => !parent.Scopes.Contains(s)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw Wider($"the parent token does not hold the scope(s) {string.Join(", ", missing)}; a child's scopes must be a subset of its parent's.");
        }

        var expires = ExpiryWithin(parent, request.Ttl, now);
        var ipAllowlist = request.IpAllowlist is { Count: > 0 } ranges ? ranges : parent.IpAllowlist;
        if (!IpAllowlist.IsWithin(ipAllowlist, parent.IpAllowlist))
        {
            throw Wider($"the IP ranges must lie inside the parent's ({string.Join(", ", parent.IpAllowlist)}).");
        }

        var maxUses = UsesWithin(parent, request.MaxUses);
        if (request.Trading?.WiderThan(parent.Trading) is { } wider)
        {
            throw Wider(wider + ".");
        }

        var trading = request.Trading?.Within(parent.Trading) ?? parent.Trading;
        if (request.DisplayName is { Length: > MaxDisplayName } || request.DisplayName?.Any(char.IsControl) == true)
        {
            throw new TokenTreeException(ProblemType.InvalidArgument, $"display_name must be at most {MaxDisplayName} printable characters.");
        }

        var token = TokenFormat.Create(request.Kind);
        var row = NewRow(token, request.Kind, parent.UserId, parent.Accessor, request.Scopes, expires, ipAllowlist, maxUses, trading, request.DisplayName);
        return await store.InsertAsync(
            row,
            token,
            cancellationToken,
            record is null && alsoInTransaction is null ? null : async db =>
            {
                if (alsoInTransaction is not null)
                {
                    await alsoInTransaction(db, row.Accessor);
                }

                if (record is not null)
                {
                    await audit.AppendAsync(db, record(row.Accessor), cancellationToken);
                }
            });
    }

    /// <summary>
    /// Revokes the token and every descendant, in one transaction, with one recursive statement (the database walks the
    /// tree iteratively; UNION makes it stop on a cycle, should the data ever hold one). Returns how many were revoked.
    /// </summary>
    public async Task<int> RevokeAsync(string accessor, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var revoked = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            WITH RECURSIVE tree(accessor) AS (
                SELECT accessor FROM tokens WHERE accessor = {accessor}
                UNION
                SELECT t.accessor FROM tokens t JOIN tree ON t.parent_accessor = tree.accessor
            )
            UPDATE tokens SET revoked_at = {now} WHERE accessor IN (SELECT accessor FROM tree) AND revoked_at IS NULL
            """,
            cancellationToken);
        await AnnounceAsync(db, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        events.RevokedLocally();
        return revoked;
    }

    /// <summary>Revokes every token of a user, root included (freeze).</summary>
    public async Task<int> RevokeUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var revoked = await db.Tokens.Where(x => x.UserId == userId && x.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now), cancellationToken);
        await AnnounceAsync(db, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        events.RevokedLocally();
        return revoked;
    }

    /// <summary>Whether <paramref name="descendant"/> lies in the subtree rooted at <paramref name="ancestor"/>.</summary>
    public async Task<bool> IsInSubtreeAsync(string ancestor, string descendant, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var found = await db.Database.SqlQuery<int>(
            $"""
            WITH RECURSIVE up(accessor, parent_accessor) AS (
                SELECT accessor, parent_accessor FROM tokens WHERE accessor = {descendant}
                UNION
                SELECT t.accessor, t.parent_accessor FROM tokens t JOIN up ON t.accessor = up.parent_accessor
            )
            SELECT COUNT(*) AS "Value" FROM up WHERE accessor = {ancestor}
            """).SingleAsync(cancellationToken);
        return found > 0;
    }

    private async Task AnnounceAsync(CofferDb db, CancellationToken cancellationToken)
    {
        if (settings.Storage == StorageProvider.Postgres)
        {
            // NOTIFY inside the transaction is delivered when it commits, and never if it rolls back.
            await db.Database.ExecuteSqlAsync($"SELECT pg_notify({TokenEvents.Channel}, {TokenEvents.Revoked})", cancellationToken);
        }
    }

    private TokenRow NewRow(
        string token,
        string kind,
        Guid userId,
        string? parent,
        IReadOnlyCollection<string> scopes,
        DateTimeOffset? expires,
        IReadOnlyList<IPNetwork> ipAllowlist,
        int? maxUses,
        TradingLimits? trading,
        string? displayName) => new()
        {
            Accessor = TokenFormat.CreateAccessor(),
            TokenHash = TokenFormat.Hash(token),
            Kind = kind,
            UserId = userId,
            ParentAccessor = parent,
            Scopes = string.Join(' ', scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
            CreatedAt = time.GetUtcNow(),
            ExpiresAt = expires,
            IpAllowlist = IpAllowlist.Format(ipAllowlist),
            MaxUses = maxUses,
            TradingLimits = trading?.ToJson(),
            DisplayName = displayName,
        };

    private static DateTimeOffset? ExpiryWithin(TokenInfo parent, TimeSpan? ttl, DateTimeOffset now)
    {
        if (ttl is { } requested && requested <= TimeSpan.Zero)
        {
            throw new TokenTreeException(ProblemType.InvalidArgument, "ttl must be positive.");
        }

        if (ttl is null)
        {
            return parent.ExpiresAt;
        }

        var expires = now + ttl.Value;
        if (parent.ExpiresAt is { } limit && expires > limit)
        {
            throw Wider($"it would expire after its parent ({limit:O}); a child's expiry must be no later than its parent's.");
        }

        return expires;
    }

    private static int? UsesWithin(TokenInfo parent, int? requested)
    {
        if (requested is < 1)
        {
            throw new TokenTreeException(ProblemType.InvalidArgument, "max_uses must be at least 1.");
        }

        if (parent.MaxUses is not { } parentMax)
        {
            return requested;
        }

        var left = parentMax - parent.UseCount;
        if (requested is { } wanted && wanted > left)
        {
            throw Wider($"max_uses must be at most the parent's remaining {left}.");
        }

        return requested ?? left;
    }

    private static void CheckScopesKnown(IEnumerable<string> scopes)
    {
        var unknown = scopes.Where(s => !Scopes.All.Contains(s)).ToList();
        if (unknown.Count > 0)
        {
            throw new TokenTreeException(ProblemType.InvalidArgument, $"Unknown scope(s): {string.Join(", ", unknown.Select(u => u.Length > 40 ? u[..40] + "…" : u))}.");
        }
    }

    private static TokenTreeException Wider(string why) => new(ProblemType.TokenWiderThanParent, "The token would be wider than its parent: " + why);
}
