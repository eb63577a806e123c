using System.Net;
using Coffer.Server.Features.Anomalies;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Anomalies;

/// <summary>new-ip-range with the notify response: learning first, then one alarm per new range.</summary>
public abstract class NewIpRangeNotifyTests : AnomalyTest
{
    internal override AnomalySettings Anomalies => new() { LearningRequests = 3, LearningPeriod = TimeSpan.FromMinutes(10) };

    [Fact]
    public async Task NewIpRange_EstablishedTokenFromNewRange_AuditsAndNotifiesOnceAndRequestCompletes()
    {
        var session = await SignUpAsync("ada");
        var user = await UserIdAsync("ada");
        foreach (var from in new[] { "198.51.100.7", "198.51.100.7", "2001:db8:1::5" })
        {
            using var learning = await SelfAsync(session, from);
            await JsonAsync(learning);
        }

        Clock.Advance(TimeSpan.FromMinutes(11));

        // Known ranges: another host of a learned /24, and of a learned /48.
        (await SelfAsync(session, "198.51.100.250")).Dispose();
        (await SelfAsync(session, "2001:db8:1:ffff::9")).Dispose();
        Assert.Empty(await AuditAsync("anomaly.new_ip_range"));

        using var fromElsewhere = await SelfAsync(session, "203.0.113.5");
        await JsonAsync(fromElsewhere);
        (await SelfAsync(session, "203.0.113.6")).Dispose();

        var record = Assert.Single(await AuditAsync("anomaly.new_ip_range"));
        Assert.Equal(user, record.UserId);
        Assert.Equal("203.0.113.5", record.ClientIp);
        Assert.Contains("\"ip_range\":\"203.0.113.0/24\"", record.Details, StringComparison.Ordinal);
        Assert.Contains("\"response\":\"notify\"", record.Details, StringComparison.Ordinal);
        Assert.DoesNotContain(session, record.Details, StringComparison.Ordinal);
        var notice = Assert.Single(await NotificationsAsync(user, NotificationKind.SecurityAnomaly));
        Assert.Contains("203.0.113.5", notice.Body, StringComparison.Ordinal);
        Assert.Null(await FrozenAtAsync("ada"));
    }

    [Fact]
    public async Task NewIpRange_WithinLearningPeriod_LearnsRangesWithoutAnomaly()
    {
        var session = await SignUpAsync("bea");
        foreach (var from in new[] { "198.51.100.7", "203.0.113.9", "192.0.2.1", "2001:db8:2::1", "198.18.0.1" })
        {
            using var response = await SelfAsync(session, from);
            await JsonAsync(response);
        }

        // Past the learning period, every range it came from while learning is known.
        Clock.Advance(TimeSpan.FromMinutes(11));
        foreach (var from in new[] { "203.0.113.200", "192.0.2.99", "2001:db8:2:1::1" })
        {
            (await SelfAsync(session, from)).Dispose();
        }

        Assert.Empty(await AuditAsync("anomaly.new_ip_range"));
        Assert.Empty(await NotificationsAsync(await UserIdAsync("bea"), NotificationKind.SecurityAnomaly));
    }

    [Fact]
    public async Task NewIpRange_ManyRequestsButInsideLearningTime_NoAnomaly()
    {
        var session = await SignUpAsync("cid");
        for (var i = 0; i < 10; i++)
        {
            (await SelfAsync(session, "198.51.100.7")).Dispose();
        }

        Clock.Advance(TimeSpan.FromMinutes(5));
        using var response = await SelfAsync(session, "203.0.113.5");

        await JsonAsync(response);
        Assert.Empty(await AuditAsync("anomaly.new_ip_range"));
    }
}

public sealed class NewIpRangeNotifySqliteTests : NewIpRangeNotifyTests;

public sealed class NewIpRangeNotifyPostgresTests : NewIpRangeNotifyTests
{
    internal override bool OnPostgres => true;
}

/// <summary>new-ip-range with the freeze response: the user is frozen and the triggering request does not complete.</summary>
public abstract class NewIpRangeFreezeTests : AnomalyTest
{
    internal override AnomalySettings Anomalies => new() { NewIpRange = AnomalyResponse.Freeze, LearningRequests = 2, LearningPeriod = TimeSpan.FromMinutes(10) };

    [Fact]
    public async Task NewIpRange_FreezeResponse_FreezesUserAndRefusesTheRequest()
    {
        var session = await SignUpAsync("dot");
        var user = await UserIdAsync("dot");
        using var create = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = new[] { "portfolio:read" } }, session, forwardedFor: "198.51.100.7");
        var api = (await JsonAsync(create, HttpStatusCode.Created)).GetProperty("token").GetString()!;
        (await SelfAsync(session, "198.51.100.8")).Dispose();
        Clock.Advance(TimeSpan.FromMinutes(11));
        var created = (await AuditAsync("token.create")).Count;

        // The session, stolen, asks for a token from far away: that request is the one refused.
        using var stolen = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = new[] { "portfolio:read" } }, session, forwardedFor: "203.0.113.66");

        await ProblemAssert.AssertAsync(stolen, HttpStatusCode.Forbidden, "account-frozen");
        Assert.NotNull(await FrozenAtAsync("dot"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(api));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(session));
        var anomaly = Assert.Single(await AuditAsync("anomaly.new_ip_range"));
        Assert.Contains("\"response\":\"freeze\"", anomaly.Details, StringComparison.Ordinal);
        var freeze = Assert.Single(await AuditAsync("account.freeze"));
        Assert.Equal("system", freeze.Actor);
        Assert.Equal(user, freeze.UserId);
        Assert.Contains("new_ip_range", freeze.Details, StringComparison.Ordinal);
        Assert.Single(await NotificationsAsync(user, NotificationKind.AccountFrozen));
        Assert.Single(await NotificationsAsync(user, NotificationKind.SecurityAnomaly));

        // The refused request created nothing.
        Assert.Equal(created, (await AuditAsync("token.create")).Count);
    }
}

public sealed class NewIpRangeFreezeSqliteTests : NewIpRangeFreezeTests;

public sealed class NewIpRangeFreezePostgresTests : NewIpRangeFreezeTests
{
    internal override bool OnPostgres => true;
}
