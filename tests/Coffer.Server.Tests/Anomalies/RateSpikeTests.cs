using System.Net;
using Coffer.Server.Features.Anomalies;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Tests.Metrics;

namespace Coffer.Server.Tests.Anomalies;

/// <summary>endpoint-rate-spike with the notify response, on one-minute windows: an average of one request, a floor of five.</summary>
public sealed class RateSpikeTests : AnomalyTest
{
    private const int SteadyWindows = 5;

    internal override AnomalySettings Anomalies => new()
    {
        LearningRequests = 3,
        LearningPeriod = TimeSpan.FromMinutes(1),
        RateWindow = TimeSpan.FromMinutes(1),
        RateFactor = 3,
        RateFloor = 5,
    };

    [Fact]
    public async Task RateSpike_FarAboveAverageAndFloor_AuditsNotifiesAndCounts()
    {
        var session = await SignUpAsync("gus");
        var user = await UserIdAsync("gus");
        await SteadyAsync(session);

        for (var i = 0; i < 5; i++)
        {
            using var response = await SelfAsync(session);
            await JsonAsync(response);
        }

        Assert.Empty(await AuditAsync("anomaly.rate_spike"));
        for (var i = 0; i < 3; i++)
        {
            // Notify only: the requests go on being answered, and the spike is reported once.
            using var response = await SelfAsync(session);
            await JsonAsync(response);
        }

        var record = Assert.Single(await AuditAsync("anomaly.rate_spike"));
        Assert.Equal(user, record.UserId);
        Assert.Contains("\"route\":\"/api/v1/tokens/self\"", record.Details, StringComparison.Ordinal);
        Assert.Contains("\"count\":\"6\"", record.Details, StringComparison.Ordinal);
        Assert.Single(await NotificationsAsync(user, NotificationKind.SecurityAnomaly));
        using var scrape = await SendAsync(HttpMethod.Get, "/metrics", null, AdminToken);
        var families = Exposition.Parse(await scrape.Content.ReadAsStringAsync());
        Assert.Equal(1, families.Value("coffer_anomalies_total", ("rule", "rate_spike"), ("response", "notify")));
    }

    [Fact]
    public async Task RateSpike_AtFloor_NoAnomaly()
    {
        var session = await SignUpAsync("hal");
        await SteadyAsync(session);

        for (var i = 0; i < 5; i++)
        {
            (await SelfAsync(session)).Dispose();
        }

        Assert.Empty(await AuditAsync("anomaly.rate_spike"));
    }

    [Fact]
    public async Task RateSpike_SteadyHighRate_NoAnomaly()
    {
        // Eight a minute, every minute: far above the floor, but that is this token's own baseline.
        var session = await SignUpAsync("ivy");
        for (var window = 0; window < SteadyWindows; window++)
        {
            for (var i = 0; i < 8; i++)
            {
                (await SelfAsync(session)).Dispose();
            }

            Clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Empty(await AuditAsync("anomaly.rate_spike"));
    }

    [Fact]
    public async Task RateSpike_FreshTokenBurst_NoAnomaly()
    {
        // A new bot's first minute is its baseline, not a spike.
        var session = await SignUpAsync("jon");
        for (var i = 0; i < 20; i++)
        {
            (await SelfAsync(session)).Dispose();
        }

        Assert.Empty(await AuditAsync("anomaly.rate_spike"));
    }

    /// <summary>One request a minute for a few minutes: a learned baseline averaging one per window.</summary>
    private async Task SteadyAsync(string session)
    {
        for (var window = 0; window < SteadyWindows; window++)
        {
            using var response = await SelfAsync(session);
            await JsonAsync(response);
            Clock.Advance(TimeSpan.FromMinutes(1));
        }
    }
}
