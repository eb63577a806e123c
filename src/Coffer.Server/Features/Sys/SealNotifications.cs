using Coffer.Server.Data;
using Coffer.Server.Features.Identity;
using Coffer.Server.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Sys;

/// <summary>Tells every admin that the server was sealed (DESIGN §4: seal is among the notified events).</summary>
internal sealed class SealNotifications(IDbContextFactory<CofferDb> factory, INotifier notifier)
{
    public async Task SealedAsync(HttpContext http, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var admins = await (from user in db.Users
                            join link in db.UserRoles on user.Id equals link.UserId
                            join role in db.Roles on link.RoleId equals role.Id
                            where role.Name == Roles.Admin
                            select user.Id).ToListAsync(cancellationToken);
        var by = http.User.FindFirst(Tokens.TokenAuthenticationHandler.AccessorClaim)?.Value ?? "unknown";
        foreach (var admin in admins)
        {
            await notifier.NotifyAsync(
                admin,
                NotificationKind.SysSealed,
                "The Coffer server was sealed",
                $"Token {by} sealed the server from {http.Connection.RemoteIpAddress}. No key is in memory and nothing is signed until a quorum unseals it.",
                null,
                cancellationToken);
        }
    }
}
