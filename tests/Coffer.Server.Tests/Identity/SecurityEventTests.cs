using System.Net;
using Coffer.Server.Data;
using Coffer.Server.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Identity;

/// <summary>Sign-in, second-factor failures, freeze and unfreeze reach the audit log and the user's notifications.</summary>
public sealed class SecurityEventTests : IdentityTest
{
    [Fact]
    public async Task SignIn_NewDeviceNotifiedOnce_SameDeviceAgainIsNot_AndEachIsAudited()
    {
        await SignUpAsync("alice");
        var userId = await UserIdAsync("alice");
        await SignInTokenAsync("alice");
        Assert.Equal(1, await CountAsync(userId, "signin.new_device"));

        await SignInTokenAsync("alice");
        var before = await CountAsync(userId, "signin.new_device");
        Assert.Equal(1, before);
        using (var other = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/signin")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { username = "alice", password = UserPassword }),
        })
        {
            other.Headers.UserAgent.ParseAdd("other-browser/2.0");
            using var response = await Server.Client.SendAsync(other);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(before + 1, await CountAsync(userId, "signin.new_device"));
        await using var db = await Db();
        Assert.True(await db.Table<Coffer.Server.Features.Audit.AuditRecordRow>().CountAsync(r => r.UserId == userId && r.Action == "auth.signin") >= 3);
        Assert.DoesNotContain(
            await db.Table<Coffer.Server.Features.Audit.AuditRecordRow>().Where(r => r.Action == "auth.signin").Select(r => r.Details).ToListAsync(),
            d => d.Contains("other-browser", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_RightPasswordWrongCode_UserIsTold_WrongPasswordIsNot()
    {
        await SignUpAsync("bob");
        var session = await SignInTokenAsync("bob");
        await EnrolTotpAsync(session);
        var userId = await UserIdAsync("bob");

        (await SignInAsync("bob", totpCode: "000000")).Dispose();
        (await SignInAsync("bob", password: "not the password at all, clearly")).Dispose();

        Assert.Equal(1, await CountAsync(userId, "signin.second_factor_failed"));
        await using var db = await Db();
        Assert.True(await db.Table<Coffer.Server.Features.Audit.AuditRecordRow>().CountAsync(r => r.Action == "auth.signin.failed") >= 2);
    }

    [Fact]
    public async Task Freeze_IsAuditedAndNotified()
    {
        await SignUpAsync("carol");
        var session = await SignInTokenAsync("carol");
        var userId = await UserIdAsync("carol");

        using var freeze = await SendAsync(HttpMethod.Post, "/api/v1/account/freeze", token: session);

        Assert.Equal(HttpStatusCode.OK, freeze.StatusCode);
        Assert.Equal(1, await CountAsync(userId, "account.frozen"));
        await using var db = await Db();
        Assert.Equal(1, await db.Table<Coffer.Server.Features.Audit.AuditRecordRow>().CountAsync(r => r.UserId == userId && r.Action == "account.freeze"));
    }

    private async Task<CofferDb> Db() => await Server.Services.GetRequiredService<IDbContextFactory<CofferDb>>().CreateDbContextAsync();

    private async Task<Guid> UserIdAsync(string name)
    {
        await using var db = await Db();
        return (await db.Users.SingleAsync(u => u.UserName == name)).Id;
    }

    private async Task<int> CountAsync(Guid userId, string kind)
    {
        await using var db = await Db();
        var rows = await db.Table<NotificationRow>().Where(n => n.UserId == userId).ToListAsync();
        return rows.Count(n => n.Kind == kind);
    }
}
