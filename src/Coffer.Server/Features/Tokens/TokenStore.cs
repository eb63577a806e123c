using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Coffer.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Tokens;

/// <summary>A token as the rest of the server sees it: by accessor, never by its secret value.</summary>
internal sealed record TokenInfo(
    string Accessor,
    string Kind,
    Guid UserId,
    string? ParentAccessor,
    IReadOnlySet<string> Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    string? DisplayName,
    IReadOnlyList<IPNetwork> IpAllowlist,
    int? MaxUses,
    int UseCount,
    TradingLimits? Trading,
    DateTimeOffset? LastUsedAt = null,
    string? DpopJkt = null)
{
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is not { } expires || expires > now);

    public static TokenInfo From(TokenRow row) => new(
        row.Accessor,
        row.Kind,
        row.UserId,
        row.ParentAccessor,
        row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal),
        row.CreatedAt,
        row.ExpiresAt,
        row.RevokedAt,
        row.DisplayName,
        Tokens.IpAllowlist.Parse(row.IpAllowlist),
        row.MaxUses,
        row.UseCount,
        TradingLimits.FromJson(row.TradingLimits),
        row.LastUsedAt,
        row.DpopJkt);
}

/// <summary>
/// Looks tokens up by value (as their hash) and by accessor. Active tokens without a use limit are cached briefly; the
/// cache is only used while <see cref="TokenEvents"/> can vouch that no revocation on any node went unseen.
/// </summary>
internal sealed class TokenStore(IDbContextFactory<CofferDb> factory, TimeProvider time, TokenEvents events)
{
    /// <summary>
    /// How stale a token's <see cref="TokenRow.LastUsedAt"/> may be. The time is recorded where a use already reaches the
    /// database (a cache miss, or a counted use), and only once it is older than this: a busy token costs one extra write
    /// a minute, not one per request, and the cache that keeps requests off the database stays in charge.
    /// </summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, CachedToken> _cache = new(StringComparer.Ordinal);

    /// <summary>
    /// Stores a new token row (the caller minted and validated it) and returns its value once. <paramref name="alsoInTransaction"/>
    /// runs in the same transaction (the audit record of the creation): if it fails, the token was never created.
    /// </summary>
    internal async Task<IssuedToken> InsertAsync(TokenRow row, string token, CancellationToken cancellationToken, Func<CofferDb, Task>? alsoInTransaction = null)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Tokens.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        if (alsoInTransaction is not null)
        {
            await alsoInTransaction(db);
        }

        await transaction.CommitAsync(cancellationToken);
        return new IssuedToken(token, row.Accessor, TokenInfo.From(row));
    }

    public async Task DeleteAsync(string accessor, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.Tokens.Where(x => x.Accessor == accessor).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task<TokenInfo?> FindByAccessorAsync(string accessor, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Tokens.AsNoTracking().SingleOrDefaultAsync(x => x.Accessor == accessor, cancellationToken);
        return row is null ? null : TokenInfo.From(row);
    }

    /// <summary>
    /// The live token with this value, used from <paramref name="client"/>, counting one use of it. Info is null when the
    /// token is malformed, unknown, revoked, expired or used up (all look the same to the caller); IpDenied is set when
    /// it is live but bound to other addresses (then no use is counted).
    /// </summary>
    public async Task<TokenLookup> AuthenticateAsync(string token, IPAddress? client, CancellationToken cancellationToken)
    {
        var info = await FindActiveAsync(token, client, cancellationToken);
        return info is not null && !Tokens.IpAllowlist.Allows(info.IpAllowlist, client)
            ? new TokenLookup(null, info)
            : new TokenLookup(info, null);
    }

    /// <summary>The live token with this value, counting a use if <paramref name="client"/> may use it.</summary>
    private async Task<TokenInfo?> FindActiveAsync(string token, IPAddress? client, CancellationToken cancellationToken)
    {
        if (!TokenFormat.TryParse(token, out _))
        {
            return null;
        }

        var hash = TokenFormat.Hash(token);
        var key = Convert.ToHexString(hash);
        var now = time.GetUtcNow();
        var generation = events.Generation;
        if (events.CacheIsSafe && _cache.TryGetValue(key, out var cached) && cached.Generation == generation && cached.Until > now)
        {
            return cached.Info.IsActiveAt(now) ? cached.Info : null;
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Tokens.AsNoTracking().SingleOrDefaultAsync(x => x.TokenHash == hash, cancellationToken);

        // The lookup is by hash; comparing the hashes again in constant time keeps the check independent of how the
        // database compares blobs.
        if (row is null || !CryptographicOperations.FixedTimeEquals(row.TokenHash, hash))
        {
            return null;
        }

        var info = TokenInfo.From(row);
        if (!info.IsActiveAt(now))
        {
            return null;
        }

        var allowed = Tokens.IpAllowlist.Allows(info.IpAllowlist, client);
        if (info.MaxUses is not null && allowed)
        {
            // Counted in the database, atomically, so two nodes cannot both spend the last use (Vault's num_uses). The
            // same statement records the time of the use: a limited token costs no write beyond the one it already did.
            var counted = await db.Tokens
                .Where(x => x.Accessor == info.Accessor && x.RevokedAt == null && x.UseCount < x.MaxUses)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.UseCount, x => x.UseCount + 1).SetProperty(x => x.LastUsedAt, now), cancellationToken);
            return counted == 1 ? info with { UseCount = info.UseCount + 1, LastUsedAt = now } : null;
        }

        if (allowed && (info.LastUsedAt is not { } last || now - last >= LastUsedResolution))
        {
            // Never moves the time back, should another node have recorded a later use in the meantime.
            await db.Tokens
                .Where(x => x.Accessor == info.Accessor && (x.LastUsedAt == null || x.LastUsedAt < now))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastUsedAt, now), cancellationToken);
            info = info with { LastUsedAt = now };
        }

        if (events.CacheIsSafe)
        {
            _cache[key] = new CachedToken(info, generation, now + CacheTtl);
        }

        return info;
    }

    private sealed record CachedToken(TokenInfo Info, long Generation, DateTimeOffset Until);
}

/// <summary>Result of authenticating a token value: the token, or the live token that was refused for its address.</summary>
internal sealed record TokenLookup(TokenInfo? Info, TokenInfo? IpDenied);

/// <summary>A token just created: its value (shown once) and what it is.</summary>
internal sealed record IssuedToken(string Token, string Accessor, TokenInfo Info);
