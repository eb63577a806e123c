using Coffer.Server.Data;
using Coffer.Server.Features.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Support;

/// <summary>
/// Tokens written straight into the database, for tests that need one the tree would never mint (a parentless token
/// of another user, one already expired, one bound to a DPoP key). The server itself only creates tokens through <see cref="TokenTree"/>.
/// </summary>
internal static class TestTokens
{
    public static async Task<(string Token, string Accessor)> InsertAsync(
        this ServerInstance server, Guid userId, IEnumerable<string> scopes, DateTimeOffset? expiresAt = null, string kind = "api", string? dpopJkt = null)
    {
        var token = TokenFormat.Create(kind);
        var row = new TokenRow
        {
            Accessor = TokenFormat.CreateAccessor(),
            TokenHash = TokenFormat.Hash(token),
            Kind = kind,
            UserId = userId,
            Scopes = string.Join(' ', scopes),
            CreatedAt = DateTimeOffset.UtcNow,
            ExpiresAt = expiresAt,
            DpopJkt = dpopJkt,
        };
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<CofferDb>>().CreateDbContextAsync();
        db.Tokens.Add(row);
        await db.SaveChangesAsync();
        return (token, row.Accessor);
    }
}
