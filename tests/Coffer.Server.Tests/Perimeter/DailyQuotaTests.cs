using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coffer.Server.Data;
using Coffer.Server.Features.Perimeter;
using Coffer.Server.Hosting;
using Coffer.Server.Tests.Storage;
using Coffer.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Perimeter;

/// <summary>
/// Daily quotas per token and UTC day, by tier, on both providers: the RateLimit fields, 429 <c>quota-exceeded</c> with
/// <c>Retry-After</c> to midnight, the reset at midnight (manual clock), tiers and tokens apart, and one count across two
/// nodes sharing PostgreSQL. The clock stands at 20:00:00 UTC, so the reset is exactly 14400 s away.
/// </summary>
public sealed class DailyQuotaTests
{
    private const int ApiQuota = 3;
    private const int InteractiveQuota = 8;
    private const long SecondsTo2000Midnight = 4 * 3600;

    /// <summary>Window limits far above the quotas, so only the quotas can refuse.</summary>
    private static readonly RateLimitSettings Lifted = new(Interactive: 1000, Api: 1000, Anonymous: 1000, PerIp: 10_000, WindowSeconds: 300);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ApiToken_OverItsDailyQuota_429QuotaExceededWithRetryAfterToMidnight(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        var clock = At2000();
        await using var server = await ServerInstance.StartAsync(Quotas(storage.Settings()), clock.Install());
        var (_, admin) = await server.InitAndUnsealAsync();
        var (token, _) = await CreateApiTokenAsync(server, admin);

        for (var i = 0; i < ApiQuota; i++)
        {
            using var ok = await GetAsync(server, "/api/v1/tokens/self", token);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal($"\"api\";q=1000;w=300, \"daily\";q={ApiQuota};w=86400", ok.Headers.GetValues("RateLimit-Policy").Single());
            Assert.Equal($"\"api\";r={999 - i};t=300, \"daily\";r={ApiQuota - 1 - i};t={SecondsTo2000Midnight}", ok.Headers.GetValues("RateLimit").Single());
        }

        using var refused = await GetAsync(server, "/api/v1/tokens/self", token);

        var problem = await ProblemAssert.AssertAsync(refused, HttpStatusCode.TooManyRequests, "quota-exceeded");
        Assert.Equal(SecondsTo2000Midnight.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Headers.GetValues("Retry-After").Single());
        Assert.EndsWith($", \"daily\";r=0;t={SecondsTo2000Midnight}", refused.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);
        Assert.Contains("00:00 UTC", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("COFFER_DAILY_QUOTA_API", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ExhaustedToken_RefusedRequest_DoesNothing_AndOtherTokensKeepTheirQuota(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        var clock = At2000();
        await using var server = await ServerInstance.StartAsync(Quotas(storage.Settings()), clock.Install());
        var (_, admin) = await server.InitAndUnsealAsync();
        var (first, firstAccessor) = await CreateApiTokenAsync(server, admin);
        var (second, _) = await CreateApiTokenAsync(server, admin);
        await SpendAsync(server, first, ApiQuota);

        using var revoke = await server.PostJsonAsync("/api/v1/tokens/self/revoke", null, first);

        await ProblemAssert.AssertAsync(revoke, HttpStatusCode.TooManyRequests, "quota-exceeded");
        var info = await server.GetJsonAsync($"/api/v1/tokens/{firstAccessor}", admin);
        Assert.Equal(JsonValueKind.Null, info.GetProperty("revoked_at").ValueKind);
        using var other = await GetAsync(server, "/api/v1/tokens/self", second);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.EndsWith($"\"daily\";r={ApiQuota - 1};t={SecondsTo2000Midnight}", other.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ExhaustedToken_NextUtcDay_HasItsFullQuotaAgain(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        var clock = At2000();
        await using var server = await ServerInstance.StartAsync(Quotas(storage.Settings()), clock.Install());
        var (_, admin) = await server.InitAndUnsealAsync();
        var (token, _) = await CreateApiTokenAsync(server, admin);
        await SpendAsync(server, token, ApiQuota);
        using (var refused = await GetAsync(server, "/api/v1/tokens/self", token))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        clock.Advance(TimeSpan.FromSeconds(SecondsTo2000Midnight + 1));
        using var tomorrow = await GetAsync(server, "/api/v1/tokens/self", token);

        Assert.Equal(HttpStatusCode.OK, tomorrow.StatusCode);
        Assert.EndsWith($"\"daily\";r={ApiQuota - 1};t=86399", tomorrow.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task InteractiveTier_GetsItsOwnQuota_AndAnonymousRequestsAreNotCounted(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        var clock = At2000();
        await using var server = await ServerInstance.StartAsync(Quotas(storage.Settings()), clock.Install());
        var (_, admin) = await server.InitAndUnsealAsync();
        var (token, _) = await CreateApiTokenAsync(server, admin);
        await SpendAsync(server, token, ApiQuota);

        // The admin's root token is of kind trader: the interactive tier. Its first request created the API token.
        using var person = await GetAsync(server, "/api/v1/tokens/self", admin);
        using var anonymous = await GetAsync(server, "/api/v1/sys/health", token: null);

        Assert.Equal(HttpStatusCode.OK, person.StatusCode);
        Assert.Equal($"\"interactive\";q=1000;w=300, \"daily\";q={InteractiveQuota};w=86400", person.Headers.GetValues("RateLimit-Policy").Single());
        Assert.EndsWith($"\"daily\";r={InteractiveQuota - 2};t={SecondsTo2000Midnight}", person.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.DoesNotContain("daily", anonymous.Headers.GetValues("RateLimit-Policy").Single(), StringComparison.Ordinal);
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<CofferDb>>().CreateDbContextAsync();
        var partitions = await db.Database.SqlQuery<string>($"SELECT partition_key AS \"Value\" FROM request_quotas").ToListAsync();
        Assert.Equal(2, partitions.Count);
        Assert.All(partitions, p => Assert.StartsWith("token:", p, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoNodesSharingPostgres_CountOneQuotaTogether()
    {
        await using var storage = await StorageUnderTest.CreateAsync("postgres");
        var clock = At2000();
        await using var nodeA = await ServerInstance.StartAsync(Quotas(storage.Settings()), clock.Install());
        var (shares, admin) = await nodeA.InitAndUnsealAsync();
        await using var nodeB = await StartSecondNodeAsync(Quotas(storage.Settings()), clock, shares);
        var (token, _) = await CreateApiTokenAsync(nodeA, admin);

        await SpendAsync(nodeA, token, ApiQuota - 1);
        using var last = await GetAsync(nodeB, "/api/v1/tokens/self", token);
        using var refusedOnB = await GetAsync(nodeB, "/api/v1/tokens/self", token);
        using var refusedOnA = await GetAsync(nodeA, "/api/v1/tokens/self", token);

        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.EndsWith($"\"daily\";r=0;t={SecondsTo2000Midnight}", last.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);
        await ProblemAssert.AssertAsync(refusedOnB, HttpStatusCode.TooManyRequests, "quota-exceeded");
        await ProblemAssert.AssertAsync(refusedOnA, HttpStatusCode.TooManyRequests, "quota-exceeded");
    }

    [Fact]
    public async Task TwoNodesWithLeases_TogetherLetExactlyTheQuotaThrough()
    {
        const int quota = 10;
        await using var storage = await StorageUnderTest.CreateAsync("postgres");
        var clock = At2000();
        var settings = Quotas(storage.Settings()) with { DailyQuotas = new DailyQuotaSettings(Enabled: true, Interactive: 100, Api: quota, LeaseSize: 4) };
        await using var nodeA = await ServerInstance.StartAsync(settings, clock.Install());
        var (shares, admin) = await nodeA.InitAndUnsealAsync();
        await using var nodeB = await StartSecondNodeAsync(settings, clock, shares);
        var (token, _) = await CreateApiTokenAsync(nodeA, admin);

        // A leases counter values 1-4 and uses one; B leases 5-8 and then 9-10 (the rest of the quota); A uses its 3.
        var onA = await UntilRefusedAsync(nodeA, token, max: 1);
        var onB = await UntilRefusedAsync(nodeB, token, max: 2 * quota);
        var onAAgain = await UntilRefusedAsync(nodeA, token, max: 2 * quota);

        Assert.Equal(1, onA);
        Assert.Equal(6, onB);
        Assert.Equal(3, onAAgain);
        Assert.Equal(quota, onA + onB + onAAgain);
    }

    [Fact]
    public void Settings_Defaults_AndEnvironmentOverrides()
    {
        var defaults = SettingsResolver.Resolve("/tmp/x", null, dev: false, _ => null).DailyQuotas;
        var env = new Dictionary<string, string>
        {
            ["COFFER_DAILY_QUOTA_INTERACTIVE"] = "5000",
            ["COFFER_DAILY_QUOTA_API"] = "700",
            ["COFFER_DAILY_QUOTA_LEASE"] = "1",
        };
        var set = SettingsResolver.Resolve("/tmp/x", null, dev: false, name => env.GetValueOrDefault(name)).DailyQuotas;
        var off = SettingsResolver.Resolve("/tmp/x", null, dev: false, name => name == "COFFER_DAILY_QUOTAS" ? "false" : null).DailyQuotas;

        Assert.Equal(new DailyQuotaSettings(true, 100_000, 20_000, 64), defaults);
        Assert.Equal(new DailyQuotaSettings(true, 5000, 700, 1), set);
        Assert.False(off.Enabled);
    }

    [Theory]
    [InlineData("COFFER_DAILY_QUOTA_API", "0")]
    [InlineData("COFFER_DAILY_QUOTA_API", "many")]
    [InlineData("COFFER_DAILY_QUOTA_INTERACTIVE", "-5")]
    [InlineData("COFFER_DAILY_QUOTA_LEASE", "10001")]
    [InlineData("COFFER_DAILY_QUOTAS", "maybe")]
    public void Settings_BadValue_RefusedWithTheVariablesName(string name, string value)
    {
        var error = Assert.Throws<SettingsException>(() => SettingsResolver.Resolve("/tmp/x", null, dev: false, n => n == name ? value : null));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    private static ServerSettings Quotas(ServerSettings settings) => settings with
    {
        RateLimits = Lifted,
        DailyQuotas = new DailyQuotaSettings(Enabled: true, Interactive: InteractiveQuota, Api: ApiQuota, LeaseSize: 1),
    };

    /// <summary>A clock at 20:00:00 UTC tomorrow (a whole second, so the reset is exactly four hours away).</summary>
    private static ManualClock At2000()
    {
        var clock = new ManualClock();
        var target = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1).AddHours(20), TimeSpan.Zero);
        clock.Advance(target - clock.GetUtcNow());
        return clock;
    }

    private static async Task<ServerInstance> StartSecondNodeAsync(ServerSettings settings, ManualClock clock, IReadOnlyList<string> shares)
    {
        var node = await ServerInstance.StartAsync(settings, clock.Install());
        foreach (var share in shares.Take(2))
        {
            (await node.PostJsonAsync("/api/v1/sys/unseal", new { share })).Dispose();
        }

        Assert.False(node.Vault.IsSealed);
        return node;
    }

    private static async Task<(string Token, string Accessor)> CreateApiTokenAsync(ServerInstance server, string admin)
    {
        using var response = await server.PostJsonAsync("/api/v1/tokens", new { scopes = new[] { "tokens:read" } }, admin);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("token").GetString()!, body.GetProperty("accessor").GetString()!);
    }

    private static async Task SpendAsync(ServerInstance server, string token, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await GetAsync(server, "/api/v1/tokens/self", token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    /// <summary>Requests until the first 429 (or <paramref name="max"/> successes); how many were let through.</summary>
    private static async Task<int> UntilRefusedAsync(ServerInstance server, string token, int max)
    {
        var ok = 0;
        while (ok < max)
        {
            using var response = await GetAsync(server, "/api/v1/tokens/self", token);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await ProblemAssert.AssertAsync(response, HttpStatusCode.TooManyRequests, "quota-exceeded");
                break;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            ok++;
        }

        return ok;
    }

    private static async Task<HttpResponseMessage> GetAsync(ServerInstance server, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        return await server.Client.SendAsync(request);
    }
}
