using System.Net;
using Coffer.Server.Features.Anomalies;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Anomalies;

/// <summary>auth-failure-burst from one address with the notify response: the admins hear of it, once.</summary>
public sealed class AuthFailureBurstNotifyTests : AnomalyTest
{
    internal override AnomalySettings Anomalies => new() { AuthFailureThreshold = 3, AuthFailureWindow = TimeSpan.FromMinutes(10) };

    [Fact]
    public async Task AuthFailures_BadTokensFromOneAddress_AuditsAndNotifiesAdminsOnce()
    {
        var admin = await UserIdAsync("admin");
        for (var i = 0; i < 3; i++)
        {
            using var refused = await SelfAsync(TokenGuess(i), "198.51.100.20");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        Assert.Empty(await AuditAsync("anomaly.auth_failure_burst"));

        for (var i = 3; i < 6; i++)
        {
            using var refused = await SelfAsync(TokenGuess(i), "198.51.100.20");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var record = Assert.Single(await AuditAsync("anomaly.auth_failure_burst"));
        Assert.Null(record.UserId);
        Assert.Equal("198.51.100.20", record.ClientIp);
        Assert.Contains("\"scope\":\"address\"", record.Details, StringComparison.Ordinal);
        Assert.Contains("\"count\":\"4\"", record.Details, StringComparison.Ordinal);
        var notice = Assert.Single(await NotificationsAsync(admin, NotificationKind.SecurityAnomaly));
        Assert.Contains("198.51.100.20", notice.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthFailures_AtThresholdOrSpreadOverWindows_NoAnomaly()
    {
        var session = await SignUpAsync("eve");
        for (var round = 0; round < 2; round++)
        {
            // Per window: three refused tokens from one address (the threshold, not more than it), and two wrong
            // passwords for the account (fewer than its lockout needs, which would change the answer).
            for (var i = 0; i < 3; i++)
            {
                using var refused = await SelfAsync(TokenGuess(i), "198.51.100.21");
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            for (var i = 0; i < 2; i++)
            {
                using var wrong = await SignInAsync("eve", "not the password, attempt " + i, forwardedFor: $"192.0.2.{(round * 2) + i + 1}");
                await ProblemAssert.AssertAsync(wrong, HttpStatusCode.Unauthorized, "invalid-credentials");
            }

            Clock.Advance(TimeSpan.FromMinutes(11));
        }

        // A signed-in user's good requests are no failures at all.
        for (var i = 0; i < 10; i++)
        {
            (await SelfAsync(session, "198.51.100.21")).Dispose();
        }

        Assert.Empty(await AuditAsync("anomaly.auth_failure_burst"));
    }

    [Fact]
    public async Task AuthFailures_WrongStepUpCodesForOneAccount_AuditsAndNotifiesTheUser()
    {
        var session = await SignUpAsync("kit");
        var user = await UserIdAsync("kit");
        var (seed, _) = await EnrolTotpAsync(session);
        var wrong = Code(seed) == "000000" ? "111111" : "000000";
        for (var i = 0; i < 4; i++)
        {
            using var refused = await SendAsync(HttpMethod.Delete, "/api/v1/auth/2fa/totp", null, session, stepUp: "totp=" + wrong, forwardedFor: $"192.0.2.{i + 1}");
            await ProblemAssert.AssertAsync(refused, HttpStatusCode.Forbidden, "step-up-failed");
        }

        var record = Assert.Single(await AuditAsync("anomaly.auth_failure_burst"));
        Assert.Equal(user, record.UserId);
        Assert.Contains("\"failure\":\"step_up\"", record.Details, StringComparison.Ordinal);
        Assert.Single(await NotificationsAsync(user, NotificationKind.SecurityAnomaly));
    }

    private static string TokenGuess(int i) => $"cof_api_guess{i:D4}notarealtoken";
}

/// <summary>auth-failure-burst from one address with the freeze response: no user to freeze, so it says so and tells the admins.</summary>
public sealed class AuthFailureBurstFreezeTests : AnomalyTest
{
    internal override AnomalySettings Anomalies => new() { AuthFailures = AnomalyResponse.Freeze, AuthFailureThreshold = 2 };

    [Fact]
    public async Task AuthFailures_AddressOnlyBurstWithFreeze_RecordsNotApplicableAndNotifiesAdmins()
    {
        var admin = await UserIdAsync("admin");
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await SignInAsync("nobody-by-this-name", "some guess " + i, forwardedFor: "198.51.100.30");
            await ProblemAssert.AssertAsync(wrong, HttpStatusCode.Unauthorized, "invalid-credentials");
        }

        var record = Assert.Single(await AuditAsync("anomaly.auth_failure_burst"));
        Assert.Contains("not_applicable", record.Details, StringComparison.Ordinal);
        Assert.Empty(await AuditAsync("account.freeze"));
        Assert.Single(await NotificationsAsync(admin, NotificationKind.SecurityAnomaly));
        Assert.False(Server.Vault.IsSealed);
        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(AdminToken));
    }
}

/// <summary>auth-failure-burst against one account with the seal response: the server seals, audited and announced.</summary>
public abstract class AuthFailureBurstSealTests : AnomalyTest
{
    internal override AnomalySettings Anomalies => new() { AuthFailures = AnomalyResponse.Seal, AuthFailureThreshold = 3 };

    [Fact]
    public async Task AuthFailures_WrongPasswordsAgainstOneAccount_SealsTheServer()
    {
        await SignUpAsync("fay");
        var user = await UserIdAsync("fay");
        var admin = await UserIdAsync("admin");
        for (var i = 0; i < 3; i++)
        {
            // Each from its own address: only the account's count crosses the threshold.
            using var wrong = await SignInAsync("fay", "not the password, attempt " + i, forwardedFor: $"192.0.2.{i + 1}");
            await ProblemAssert.AssertAsync(wrong, HttpStatusCode.Unauthorized, "invalid-credentials");
        }

        Assert.False(Server.Vault.IsSealed);
        using var fourth = await SignInAsync("fay", "not the password, attempt 3", forwardedFor: "192.0.2.4");

        Assert.False(fourth.IsSuccessStatusCode);
        Assert.True(Server.Vault.IsSealed);
        using var after = await SendAsync(HttpMethod.Get, SelfPath, null, AdminToken);
        await ProblemAssert.AssertAsync(after, HttpStatusCode.ServiceUnavailable, "sealed");
        var record = Assert.Single(await AuditAsync("anomaly.auth_failure_burst"));
        Assert.Equal(user, record.UserId);
        Assert.Contains("\"scope\":\"account\"", record.Details, StringComparison.Ordinal);
        Assert.Contains("\"response\":\"seal\"", record.Details, StringComparison.Ordinal);
        var seal = Assert.Single(await AuditAsync("sys.seal"));
        Assert.Equal("system", seal.Actor);
        Assert.Contains("auth_failure_burst", seal.Details, StringComparison.Ordinal);
        Assert.Single(await NotificationsAsync(user, NotificationKind.SecurityAnomaly));
        Assert.Single(await NotificationsAsync(admin, NotificationKind.SysSealed));
    }
}

public sealed class AuthFailureBurstSealSqliteTests : AuthFailureBurstSealTests;

public sealed class AuthFailureBurstSealPostgresTests : AuthFailureBurstSealTests
{
    internal override bool OnPostgres => true;
}
