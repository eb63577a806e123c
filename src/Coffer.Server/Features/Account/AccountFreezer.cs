using Coffer.Server.Data;
using Coffer.Server.Features.Identity;
using Coffer.Server.Features.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Account;

/// <summary>
/// Freezes a user (DESIGN §4): the flag first, so sign-in is refused from that moment, then every token of theirs is
/// revoked on every node, then the freeze is recorded and the user told. The user's own one-tap freeze and the anomaly
/// detector both come here, so a freeze is the same whoever asked for it.
/// </summary>
internal sealed class AccountFreezer(IDbContextFactory<CofferDb> factory, TokenTree tree, TimeProvider time, SecurityEvents events)
{
    /// <param name="reason">Null for the user's own freeze (the caller's token is the actor); otherwise why the server froze the account.</param>
    public async Task<FreezeResponse> FreezeAsync(HttpContext http, Guid userId, string? reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            await db.Users.Where(u => u.Id == userId && u.FrozenAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.FrozenAt, now), cancellationToken);
        }

        var revoked = await tree.RevokeUserAsync(userId, cancellationToken);
        try
        {
            await events.FrozenAsync(http, userId, revoked, cancellationToken, reason);
        }
        catch (Audit.AuditUnavailableException)
        {
            // Freeze is break-glass: it has happened by now, and a missing audit record must not turn it into an error.
        }

        return new FreezeResponse(now, revoked);
    }
}
