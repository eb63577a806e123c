using System.Net;
using System.Text.Json;
using Coffer.Server.Hosting;
using Coffer.Server.Tests.Identity;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Connections;

/// <summary>
/// <c>GET /api/v1/connections/setup</c> on a server told its egress address and allowing custom URLs (as
/// <see cref="ConnectionTest"/> does, for the sandbox): what the connect wizard shows before the first connection.
/// </summary>
public sealed class ConnectionSetupTests : ConnectionTest
{
    private const string Egress = "203.0.113.7";

    internal override ServerSettings Configure(ServerSettings settings) => base.Configure(settings) with { EgressAddress = Egress };

    [Fact]
    public async Task Setup_EgressIpSet_IsShownBeforeAnyConnection_AndMatchesTheConnectionsAllowListIp()
    {
        var (session, seed) = await TraderWithTotpAsync("ana");

        using var response = await SendAsync(HttpMethod.Get, "/api/v1/connections/setup", null, session);

        var setup = await JsonAsync(response);
        Assert.Equal(Egress, setup.GetProperty("egress_ip").GetString());
        Assert.True(setup.GetProperty("custom_base_url").GetBoolean());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var connection = await ConnectedAsync(session, seed, "binance", Issue("binance"));
        Assert.Equal(Egress, connection.GetProperty("allowlist_ip").GetString());
    }

    [Fact]
    public async Task Setup_Exchanges_AreExactlyTheOnesConnectAccepts()
    {
        var (session, seed) = await TraderWithTotpAsync("ben");

        var exchanges = (await Server.GetJsonAsync("/api/v1/connections/setup", session)).GetProperty("exchanges").EnumerateArray().ToList();

        var ids = exchanges.Select(x => x.GetProperty("id").GetString()!).ToList();
        Assert.Equal(((IEnumerable<object[]>)Exchanges).Select(x => (string)x[0]), ids);
        Assert.All(exchanges, x => Assert.False(string.IsNullOrWhiteSpace(x.GetProperty("name").GetString())));
        foreach (var id in ids)
        {
            Assert.Equal(id, (await ConnectedAsync(session, seed, id, Issue(id), label: id)).GetProperty("exchange").GetString());
        }

        // An exchange the list leaves out is one POST refuses, and its refusal names the same list.
        using var unknown = await SendAsync(HttpMethod.Post, "/api/v1/connections", new { exchange = "mtgox", api_key = "abcdefghijklmnop", secret = "s" }, session, stepUp: StepUp(seed));
        var detail = (await ProblemAssert.AssertAsync(unknown, HttpStatusCode.BadRequest, "unknown-exchange")).GetProperty("detail").GetString();
        Assert.Equal($"exchange must be one of {string.Join(", ", ids)}.", detail);
    }

    [Fact]
    public async Task Setup_DoesNotShadowAConnectionById()
    {
        var (session, seed) = await TraderWithTotpAsync("cyd");
        var id = (await ConnectedAsync(session, seed, "kraken", Issue("kraken"))).GetProperty("id").GetString();

        var connection = await Server.GetJsonAsync("/api/v1/connections/" + id, session);
        var setup = await Server.GetJsonAsync("/api/v1/connections/setup", session);

        Assert.Equal(id, connection.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.String, setup.GetProperty("egress_ip").ValueKind);
        Assert.False(setup.TryGetProperty("id", out _));
        using var missing = await SendAsync(HttpMethod.Get, "/api/v1/connections/" + Guid.NewGuid(), null, session);
        await ProblemAssert.AssertAsync(missing, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Setup_WithoutAToken_Is401()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/connections/setup");

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Setup_TokenWithoutExchangesRead_Is403()
    {
        var session = await SignUpAsync("dee");
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = new[] { "portfolio:read" } }, session);
        var token = (await JsonAsync(created, HttpStatusCode.Created)).GetProperty("token").GetString()!;

        using var response = await SendAsync(HttpMethod.Get, "/api/v1/connections/setup", null, token);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "forbidden");
        using var list = await SendAsync(HttpMethod.Get, "/api/v1/connections", null, token);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
    }

    [Fact]
    public async Task Setup_TokenWithOnlyExchangesRead_IsAllowed()
    {
        var session = await SignUpAsync("eve");
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = new[] { "exchanges:read" } }, session);
        var token = (await JsonAsync(created, HttpStatusCode.Created)).GetProperty("token").GetString()!;

        var setup = await Server.GetJsonAsync("/api/v1/connections/setup", token);

        Assert.Equal(Egress, setup.GetProperty("egress_ip").GetString());
    }
}

/// <summary>A server left at production's defaults: no COFFER_EGRESS_IP, no custom exchange URLs.</summary>
public sealed class ConnectionSetupDefaultsTests : IdentityTest
{
    internal override ServerSettings Configure(ServerSettings settings) => base.Configure(settings) with { AllowCustomExchangeUrls = false, EgressAddress = null };

    [Fact]
    public async Task Setup_EgressIpUnset_IsNull_AndCustomBaseUrlIsOff()
    {
        var session = await SignUpAsync("fay");

        var setup = await Server.GetJsonAsync("/api/v1/connections/setup", session);

        Assert.Equal(JsonValueKind.Null, setup.GetProperty("egress_ip").ValueKind);
        Assert.False(setup.GetProperty("custom_base_url").GetBoolean());
        Assert.Equal(["binance", "kraken", "coinbase"], setup.GetProperty("exchanges").EnumerateArray().Select(x => x.GetProperty("id").GetString()));
    }
}
