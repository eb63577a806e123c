using Coffer.Server.Features.Anomalies;
using Coffer.Server.Hosting;

namespace Coffer.Server.Tests.Anomalies;

public sealed class AnomalySettingsTests
{
    [Fact]
    public void Resolve_Nothing_NotifyForEveryRuleAndDefaults()
    {
        var settings = AnomalySettingsResolver.Resolve(_ => null);

        Assert.Equal(AnomalyResponse.Notify, settings.NewIpRange);
        Assert.Equal(AnomalyResponse.Notify, settings.AuthFailures);
        Assert.Equal(AnomalyResponse.Notify, settings.RateSpike);
        Assert.Equal(new AnomalySettings(), settings);
    }

    [Fact]
    public void Resolve_EveryVariable_Applied()
    {
        var environment = new Dictionary<string, string>
        {
            ["COFFER_ANOMALY_NEW_IP_RANGE"] = "freeze",
            ["COFFER_ANOMALY_AUTH_FAILURES"] = "SEAL",
            ["COFFER_ANOMALY_RATE_SPIKE"] = "off",
            ["COFFER_ANOMALY_LEARNING_REQUESTS"] = "7",
            ["COFFER_ANOMALY_LEARNING_MINUTES"] = "30",
            ["COFFER_ANOMALY_AUTH_FAILURES_MAX"] = "9",
            ["COFFER_ANOMALY_AUTH_FAILURES_WINDOW_MINUTES"] = "3",
            ["COFFER_ANOMALY_RATE_WINDOW_SECONDS"] = "10",
            ["COFFER_ANOMALY_RATE_FACTOR"] = "2.5",
            ["COFFER_ANOMALY_RATE_FLOOR"] = "40",
            ["COFFER_ANOMALY_COOLDOWN_MINUTES"] = "15",
        };

        var settings = AnomalySettingsResolver.Resolve(environment.GetValueOrDefault);

        Assert.Equal(
            new AnomalySettings
            {
                NewIpRange = AnomalyResponse.Freeze,
                AuthFailures = AnomalyResponse.Seal,
                RateSpike = AnomalyResponse.Off,
                LearningRequests = 7,
                LearningPeriod = TimeSpan.FromMinutes(30),
                AuthFailureThreshold = 9,
                AuthFailureWindow = TimeSpan.FromMinutes(3),
                RateWindow = TimeSpan.FromSeconds(10),
                RateFactor = 2.5,
                RateFloor = 40,
                Cooldown = TimeSpan.FromMinutes(15),
            },
            settings);
    }

    [Theory]
    [InlineData("COFFER_ANOMALY_NEW_IP_RANGE", "block")]
    [InlineData("COFFER_ANOMALY_AUTH_FAILURES", "warn")]
    [InlineData("COFFER_ANOMALY_RATE_SPIKE", "notify,seal")]
    [InlineData("COFFER_ANOMALY_LEARNING_REQUESTS", "0")]
    [InlineData("COFFER_ANOMALY_AUTH_FAILURES_MAX", "-1")]
    [InlineData("COFFER_ANOMALY_RATE_FACTOR", "1")]
    [InlineData("COFFER_ANOMALY_RATE_FLOOR", "lots")]
    [InlineData("COFFER_ANOMALY_COOLDOWN_MINUTES", "0")]
    public void Resolve_BadValue_FailsNamingTheVariable(string name, string value)
    {
        var environment = new Dictionary<string, string> { ["COFFER_DATA"] = "/tmp/coffer-settings-test", [name] = value };

        var error = Assert.Throws<SettingsException>(() => SettingsResolver.Resolve(null, null, false, environment.GetValueOrDefault));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("192.0.2.77", "192.0.2.0/24")]
    [InlineData("::ffff:192.0.2.77", "192.0.2.0/24")]
    [InlineData("2001:db8:abcd:12::1", "2001:db8:abcd::/48")]
    public void IpRange_Address_Slash24OrSlash48(string address, string range) =>
        Assert.Equal(range, IpRange.Of(System.Net.IPAddress.Parse(address)));
}
