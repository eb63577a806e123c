using System.Net;
using Coffer.Server.Hosting;
using Coffer.Server.Tests.Identity;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Connections;

/// <summary>Where the configuration does not allow it (production's default), a connection cannot name its own exchange URL.</summary>
public sealed class CustomUrlPolicyTests : IdentityTest
{
    internal override ServerSettings Configure(ServerSettings settings) => base.Configure(settings) with { AllowCustomExchangeUrls = false };

    [Fact]
    public async Task Connect_WithBaseUrl_IsRefusedBeforeAnyCall()
    {
        var session = await SignUpAsync("olga");
        var (seed, _) = await EnrolTotpAsync(session);
        Clock.Advance(TimeSpan.FromSeconds(30));

        using var refused = await SendAsync(
            HttpMethod.Post,
            "/api/v1/connections",
            new { exchange = "binance", api_key = "abcdefghijklmnop", secret = "secret", base_url = "http://127.0.0.1:9/" },
            session,
            stepUp: "totp=" + Code(seed));

        var problem = await ProblemAssert.AssertAsync(refused, HttpStatusCode.Forbidden, "custom-base-url-not-allowed");
        Assert.Contains("COFFER_EXCHANGE_CUSTOM_URLS", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await Server.GetJsonAsync("/api/v1/connections", session)).GetProperty("items").EnumerateArray());
    }
}
