using System.Diagnostics;
using System.Net;
using Coffer.Server.Data;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Tests.Storage;
using Coffer.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Sys;

/// <summary>Seal on one node seals every node on the same PostgreSQL (LISTEN/NOTIFY), and the admins are told.</summary>
public sealed class ClusterSealTests
{
    [Fact]
    public async Task Seal_OnOneNode_OtherNodeSealsWithinOneSecond_AndAdminIsNotified()
    {
        await using var storage = await StorageUnderTest.CreateAsync("postgres");
        await using var nodeA = await ServerInstance.StartAsync(storage.Settings());
        var (shares, admin) = await nodeA.InitAndUnsealAsync();
        await using var nodeB = await ServerInstance.StartAsync(storage.Settings());
        foreach (var share in shares.Take(2))
        {
            (await nodeB.PostJsonAsync("/api/v1/sys/unseal", new { share })).Dispose();
        }

        Assert.False(nodeB.Vault.IsSealed);

        using (var seal = await nodeA.PostJsonAsync("/api/v1/sys/seal", null, admin))
        {
            Assert.Equal(HttpStatusCode.OK, seal.StatusCode);
        }

        var deadline = Stopwatch.StartNew();
        while (!nodeB.Vault.IsSealed && deadline.Elapsed < TimeSpan.FromSeconds(1))
        {
            await Task.Delay(20);
        }

        Assert.True(nodeB.Vault.IsSealed);
        await using var db = await nodeA.Services.GetRequiredService<IDbContextFactory<CofferDb>>().CreateDbContextAsync();
        Assert.Equal(1, await db.Table<NotificationRow>().CountAsync(n => n.Kind == "sys.sealed"));
    }
}
