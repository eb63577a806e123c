using Coffer.Server.Data;
using Coffer.Server.Features.Anomalies;
using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Hosting;
using Coffer.Server.Tests.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Anomalies;

/// <summary>
/// A server on a manual clock that believes X-Forwarded-For from loopback (COFFER_TRUSTED_PROXIES=127.0.0.1), so a
/// test can speak from any client address, with the anomaly settings of <see cref="Anomalies"/>.
/// </summary>
public abstract class AnomalyTest : IdentityTest
{
    internal const string SelfPath = "/api/v1/tokens/self";

    internal abstract AnomalySettings Anomalies { get; }

    internal override ServerSettings Configure(ServerSettings settings) =>
        base.Configure(settings) with { TrustedProxies = [System.Net.IPNetwork.Parse("127.0.0.1/32")], Anomalies = Anomalies };

    internal Task<HttpResponseMessage> SelfAsync(string token, string? from = null) => SendAsync(HttpMethod.Get, SelfPath, null, token, forwardedFor: from);

    internal async Task<List<AuditRecordRow>> AuditAsync(string action)
    {
        await using var db = await Factory.CreateDbContextAsync();
        return await db.Table<AuditRecordRow>().AsNoTracking().Where(r => r.Action == action).OrderBy(r => r.Seq).ToListAsync();
    }

    internal async Task<List<NotificationRow>> NotificationsAsync(Guid userId, NotificationKind kind)
    {
        var name = kind.Name();
        await using var db = await Factory.CreateDbContextAsync();
        return await db.Table<NotificationRow>().AsNoTracking().Where(n => n.UserId == userId && n.Kind == name).OrderBy(n => n.Seq).ToListAsync();
    }

    internal async Task<Guid> UserIdAsync(string username)
    {
        await using var db = await Factory.CreateDbContextAsync();
        return await db.Users.Where(u => u.UserName == username).Select(u => u.Id).SingleAsync();
    }

    internal async Task<DateTimeOffset?> FrozenAtAsync(string username)
    {
        await using var db = await Factory.CreateDbContextAsync();
        return await db.Users.Where(u => u.UserName == username).Select(u => u.FrozenAt).SingleAsync();
    }

    private IDbContextFactory<CofferDb> Factory => Server.Services.GetRequiredService<IDbContextFactory<CofferDb>>();
}
