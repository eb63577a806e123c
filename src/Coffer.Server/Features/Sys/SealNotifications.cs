using Coffer.Server.Data;
using Coffer.Server.Features.Identity;
using Coffer.Server.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Sys;

/// <summary>Tells every admin that the server was sealed (DESIGN §4: seal is among the notified events).</summary>
internal sealed class SealNotifications(IDbContextFactory<CofferDb> factory, INotifier notifier)
{
    /// <param name="reason">Null when a token sealed the server; otherwise why the server sealed itself.</param>
    public async Task SealedAsync(HttpContext http, CancellationToken cancellationToken, string? reason = null)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var admins = await AdminsAsync(db, cancellationToken);
        var by = http.User.FindFirst(Tokens.TokenAuthenticationHandler.AccessorClaim)?.Value ?? "unknown";
        var what = reason is null
            ? $"Token {by} sealed the server from {http.Connection.RemoteIpAddress}."
            : $"The anomaly detector sealed the server: {reason}";
        foreach (var admin in admins)
        {
            await notifier.NotifyAsync(
                admin,
                NotificationKind.SysSealed,
                "The Coffer server was sealed",
                $"{what} No key is in memory and nothing is signed until a quorum unseals it.",
                null,
                cancellationToken);
        }
    }

    /// <summary>The ids of every user with the admin role: whom server-wide events are told to.</summary>
    public static Task<List<Guid>> AdminsAsync(CofferDb db, CancellationToken cancellationToken) =>
        (from user in db.Users
         join link in db.UserRoles on user.Id equals link.UserId
         join role in db.Roles on link.RoleId equals role.Id
         where role.Name == Roles.Admin
         select user.Id).ToListAsync(cancellationToken);
}
