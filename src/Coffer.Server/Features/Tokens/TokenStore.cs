using System.Security.Cryptography;
using Coffer.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Tokens;

/// <summary>A token as the rest of the server sees it: by accessor, never by its secret value.</summary>
internal sealed record TokenInfo(string Accessor, string Kind, Guid UserId, string? ParentAccessor, IReadOnlySet<string> Scopes, DateTimeOffset? ExpiresAt);

/// <summary>Mints, stores (as hashes) and looks up Coffer tokens.</summary>
internal sealed class TokenStore(IDbContextFactory<CofferDb> factory, TimeProvider time)
{
    /// <summary>The scopes of the initial admin token: the root of the admin's tree may do everything.</summary>
    public static readonly IReadOnlyList<string> AdminScopes = ["admin", "sys:seal", "sys:rotate", "sys:status", "audit:read"];

    /// <summary>Creates a token and returns its value (shown once, never stored) with its accessor.</summary>
    public async Task<(string Token, string Accessor)> CreateAsync(string kind, Guid userId, string? parentAccessor, IEnumerable<string> scopes, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var token = TokenFormat.Create(kind);
        var accessor = TokenFormat.CreateAccessor();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.Tokens.Add(new TokenRow
        {
            Accessor = accessor,
            TokenHash = TokenFormat.Hash(token),
            Kind = kind,
            UserId = userId,
            ParentAccessor = parentAccessor,
            Scopes = string.Join(' ', scopes),
            CreatedAt = time.GetUtcNow(),
            ExpiresAt = expiresAt,
        });
        await db.SaveChangesAsync(cancellationToken);
        return (token, accessor);
    }

    public async Task DeleteAsync(string accessor, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.Tokens.Where(x => x.Accessor == accessor).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>The live token with this value, or null (malformed, unknown, revoked or expired all look the same).</summary>
    public async Task<TokenInfo?> FindActiveAsync(string token, CancellationToken cancellationToken)
    {
        if (!TokenFormat.TryParse(token, out _))
        {
            return null;
        }

        var hash = TokenFormat.Hash(token);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Tokens.AsNoTracking().SingleOrDefaultAsync(x => x.TokenHash == hash, cancellationToken);

        // The lookup is by hash; comparing the hashes again in constant time costs nothing and keeps the check
        // independent of how the database compares blobs.
        if (row is null || !CryptographicOperations.FixedTimeEquals(row.TokenHash, hash) || row.RevokedAt is not null
            || (row.ExpiresAt is { } expires && expires <= time.GetUtcNow()))
        {
            return null;
        }

        return new TokenInfo(row.Accessor, row.Kind, row.UserId, row.ParentAccessor, row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal), row.ExpiresAt);
    }
}
