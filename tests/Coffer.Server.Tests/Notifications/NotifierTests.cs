using Coffer.Server.Data;
using Coffer.Server.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Notifications;

public sealed class NotifierTests
{
    [Fact]
    public async Task NotifyAsync_DatabaseCannotRecord_ReturnsWithoutThrowing()
    {
        await using var coffer = await NotificationHarness.StartAsync();
        var factory = coffer.Server.Services.GetRequiredService<IDbContextFactory<CofferDb>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("DROP TABLE notifications");
        }

        // The caller's action (a sign-in, a revocation) has happened; a broken notifications table must not fail it.
        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.TokenRevoked, "Token revoked", "acc_1", null, default);

        using var list = await coffer.SendAsync(HttpMethod.Get, "/api/v1/notifications", token: coffer.AdminToken);
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, list.StatusCode);
    }

    [Fact]
    public async Task NotifyAsync_NoChannels_OnlyInAppRow()
    {
        await using var coffer = await NotificationHarness.StartAsync();

        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.ExchangePermissionsChanged, "Permissions changed", "Binance key can now trade.", null, default);

        var factory = coffer.Server.Services.GetRequiredService<IDbContextFactory<CofferDb>>();
        await using var db = await factory.CreateDbContextAsync();
        var row = await db.Table<NotificationRow>().SingleAsync();
        Assert.Equal(("exchange.permissions_changed", coffer.AdminUser, "{}"), (row.Kind, row.UserId, row.Details));
        Assert.Empty(await db.Table<NotificationDeliveryRow>().ToListAsync());
    }
}
