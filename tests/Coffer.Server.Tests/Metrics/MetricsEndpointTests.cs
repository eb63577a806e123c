using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Coffer.Exchanges;
using Coffer.Exchanges.Transport;
using Coffer.Server.Data;
using Coffer.Server.Features.Connections;
using Coffer.Server.Features.Metrics;
using Coffer.Server.Features.Portfolio;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Tests.Audit;
using Coffer.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Server.Tests.Metrics;

/// <summary><c>GET /metrics</c> on a real server over SQLite: who may scrape, what the exposition holds, and what it must never hold.</summary>
public sealed class MetricsEndpointTests : ServerTest
{
    private const string AdminUsername = "metricsoperator";

    private string _admin = null!;
    private string _adminAccessor = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var init = await Server.PostJsonAsync("/api/v1/sys/init", new { shares = 3, threshold = 2, admin_username = AdminUsername });
        init.EnsureSuccessStatusCode();
        var body = await init.Content.ReadFromJsonAsync<JsonElement>();
        foreach (var share in body.GetProperty("shares").EnumerateArray().Take(2))
        {
            using var unseal = await Server.PostJsonAsync("/api/v1/sys/unseal", new { share = share.GetString() });
            unseal.EnsureSuccessStatusCode();
        }

        _admin = body.GetProperty("admin_token").GetString()!;
        _adminAccessor = body.GetProperty("admin_accessor").GetString()!;
    }

    [Fact]
    public async Task Metrics_NoToken_Answers401Problem()
    {
        using var response = await Server.GetAsync("/metrics", token: null);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Metrics_TokenWithoutAdminOrMetricsRead_Answers403Problem()
    {
        var (token, _) = await Server.TokenAsync("audit:read", "sys:status", "tokens:read");

        using var response = await Server.GetAsync("/metrics", token);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Metrics_AdminToken_Answers200InTextFormat004()
    {
        using var response = await Server.GetAsync("/metrics", _admin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var families = Exposition.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, families.Value("coffer_vault_sealed"));
        Assert.Equal(1, families.Value("coffer_vault_initialized"));
        foreach (var name in new[] { "coffer_http_requests", "coffer_auth_failures", "coffer_rate_limited_requests", "coffer_token_uses", "coffer_exchange_calls", "coffer_vault_operations" })
        {
            Assert.Equal("counter", families[name].Type);
        }

        Assert.Equal("histogram", families["coffer_http_request_duration_seconds"].Type);
        Assert.Equal("histogram", families["coffer_exchange_call_duration_seconds"].Type);
    }

    [Fact]
    public async Task Metrics_ScrapeTokenCreatedWithMetricsReadOnly_Answers200()
    {
        using var created = await Server.PostJsonAsync("/api/v1/tokens", new { scopes = new[] { "metrics:read" } }, _admin);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var scrape = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

        using var response = await Server.GetAsync("/metrics", scrape);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        using var other = await Server.GetAsync("/api/v1/tokens", scrape);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task Metrics_RequestToRouteWithAccessor_CountedUnderTemplateNotRawPath()
    {
        using (var lookup = await Server.GetAsync("/api/v1/tokens/" + _adminAccessor, _admin))
        {
            Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);
        }

        var text = await ScrapeAsync();

        var families = Exposition.Parse(text);
        Assert.Equal(1, families.Value("coffer_http_requests_total", ("method", "GET"), ("route", "/api/v1/tokens/{accessor}"), ("status", "200")));
        Assert.Equal(1, families.Value("coffer_http_request_duration_seconds_count", ("method", "GET"), ("route", "/api/v1/tokens/{accessor}")));
        Assert.DoesNotContain(_adminAccessor, text, StringComparison.Ordinal);
        Assert.DoesNotContain("/api/v1/tokens/" + _adminAccessor, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_FailedAuthentication_IncrementsFailureCounterByReason()
    {
        var before = Exposition.Parse(await ScrapeAsync());

        using (var unknown = await Server.GetAsync("/api/v1/tokens/self", "cof_api_thisisnotarealtokenatallthisisnotareal_abcdef"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tokens/self"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");
            using var basic = await Server.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, basic.StatusCode);
        }

        var after = Exposition.Parse(await ScrapeAsync());
        Assert.Equal((before.Value("coffer_auth_failures_total", ("reason", "invalid")) ?? 0) + 1, after.Value("coffer_auth_failures_total", ("reason", "invalid")));
        Assert.Equal((before.Value("coffer_auth_failures_total", ("reason", "not_bearer")) ?? 0) + 1, after.Value("coffer_auth_failures_total", ("reason", "not_bearer")));
        Assert.Equal((before.Value("coffer_http_requests_total", ("method", "GET"), ("route", "/api/v1/tokens/self"), ("status", "401")) ?? 0) + 2, after.Value("coffer_http_requests_total", ("method", "GET"), ("route", "/api/v1/tokens/self"), ("status", "401")));
    }

    [Fact]
    public async Task Metrics_TokenUses_CountedByKind()
    {
        var kind = (await Server.GetJsonAsync("/api/v1/tokens/self", _admin)).GetProperty("kind").GetString()!;
        var before = Exposition.Parse(await ScrapeAsync()).Value("coffer_token_uses_total", ("kind", kind)) ?? 0;

        var after = Exposition.Parse(await ScrapeAsync()).Value("coffer_token_uses_total", ("kind", kind));

        // Each scrape is one use of the admin's token; nothing else ran in between.
        Assert.Equal(before + 1, after);
    }

    [Fact]
    public async Task Metrics_AfterManyRequests_NoTokenAccessorUsernameOrAddressAnywhere()
    {
        var (other, otherAccessor) = await Server.TokenAsync("tokens:read");
        using (await Server.GetAsync("/api/v1/tokens/" + otherAccessor, _admin))
        using (await Server.GetAsync("/api/v1/tokens/" + otherAccessor + "/log", other))
        using (await Server.GetAsync("/api/v1/tokens/self", other + "x"))
        using (await Server.GetAsync("/api/v1/no/such/" + otherAccessor, _admin))
        using (await Server.GetAsync("/api/v1/auth/me", _admin))
        {
        }

        var text = await ScrapeAsync();

        Exposition.Parse(text);
        foreach (var secret in new[] { _admin, _adminAccessor, other, otherAccessor, AdminUsername, "127.0.0.1", "::1" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.Contains("route=\"(unmatched)\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("/api/v1/no/such", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_WhileSealed_StillAnswersAndSaysSealed()
    {
        using (var seal = await Server.PostJsonAsync("/api/v1/sys/seal", null, _admin))
        {
            Assert.Equal(HttpStatusCode.OK, seal.StatusCode);
        }

        using var response = await Server.GetAsync("/metrics", _admin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var families = Exposition.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, families.Value("coffer_vault_sealed"));
        Assert.Equal(1, families.Value("coffer_vault_operations_total", ("op", "seal"), ("outcome", "ok")));
        using var anonymous = await Server.GetAsync("/metrics", token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Metrics_ExchangeCallsThroughTransport_CountedByExchangeAndOutcomeWithBudgetUse()
    {
        const string apiKey = "live-api-key-id-123";
        var rule = RateLimitRule.SlidingWindow("request_weight", RateLimitScope.Ip, 6000, TimeSpan.FromMinutes(1), "test");
        var budget = Server.Services.GetRequiredService<RequestBudgets>().For("binance", apiKey, "api.binance.test", [rule]);
        var statuses = new Queue<HttpStatusCode>([HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests]);
        using var http = new HttpClient(new StubHandler(() => statuses.Dequeue()));
        var transport = new ExchangeTransport("binance", http, budget, new ExchangeClock(TimeProvider.System), NullLogger.Instance, metrics: Server.Services.GetRequiredService<CofferMetrics>().Exchanges);

        for (var i = 0; i < 3; i++)
        {
            try
            {
                await transport.SendAsync(_ => ValueTask.FromResult(new HttpRequestMessage(HttpMethod.Get, "https://api.binance.test/api/v3/account?signature=abc")), [new RateCost("request_weight", 20)], CancellationToken.None);
            }
            catch (ExchangeException ex) when (ex.Kind == ExchangeErrorKind.RateLimited)
            {
                Assert.Equal(2, i);
            }
        }

        var text = await ScrapeAsync();

        var families = Exposition.Parse(text);
        Assert.Equal(1, families.Value("coffer_exchange_calls_total", ("exchange", "binance"), ("outcome", "ok")));
        Assert.Equal(1, families.Value("coffer_exchange_calls_total", ("exchange", "binance"), ("outcome", "client_error")));
        Assert.Equal(1, families.Value("coffer_exchange_calls_total", ("exchange", "binance"), ("outcome", "rate_limited")));
        Assert.Equal(3, families.Value("coffer_exchange_call_duration_seconds_count", ("exchange", "binance")));
        Assert.Equal(60.0 / 6000, families.Value("coffer_exchange_budget_used_ratio", ("exchange", "binance"), ("rule", "request_weight"))!.Value, 10);
        Assert.Equal(6000, families.Value("coffer_exchange_budget_capacity", ("exchange", "binance"), ("rule", "request_weight")));
        foreach (var secret in new[] { apiKey, "api.binance.test", "signature", "/api/v3/account" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Metrics_SyncLag_LongestPerExchangeAndNeverSyncedCounted()
    {
        var userId = (await Server.Services.GetRequiredService<TokenStore>().AuthenticateAsync(_admin, null, default)).Info!.UserId;
        var now = DateTimeOffset.UtcNow;
        await using (var db = await Server.Services.GetRequiredService<IDbContextFactory<CofferDb>>().CreateDbContextAsync())
        {
            var recent = Connection(userId, "kraken", "my secret kraken label");
            var stale = Connection(userId, "kraken", "old");
            var failed = Connection(userId, "kraken", "failing");
            var never = Connection(userId, "kraken", "new");
            db.Table<ConnectionRow>().AddRange(recent, stale, failed, never);
            db.Table<SyncCoverageRow>().AddRange(
                Coverage(recent, SyncCoverageRow.Complete, now.AddSeconds(-60), now.AddSeconds(-60)),
                Coverage(stale, SyncCoverageRow.Partial, now.AddSeconds(-3600), now.AddSeconds(-7200)),
                Coverage(failed, SyncCoverageRow.Failed, now.AddSeconds(-10), now.AddSeconds(-600)));
            await db.SaveChangesAsync();
        }

        var text = await ScrapeAsync();

        var families = Exposition.Parse(text);
        var lag = families.Value("coffer_sync_lag_seconds", ("exchange", "kraken"))!.Value;
        Assert.InRange(lag, 3600, 3700);
        Assert.Equal(1, families.Value("coffer_sync_unsynced_connections", ("exchange", "kraken")));
        Assert.DoesNotContain("my secret kraken label", text, StringComparison.Ordinal);
        Assert.DoesNotContain(userId.ToString(), text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Migration0013_AdminRootMadeBeforeMetricsRead_GainsItChildrenDoNot()
    {
        await Server.ExecuteSqlAsync($"UPDATE tokens SET scopes = REPLACE(scopes, 'metrics:read', '') WHERE accessor = '{_adminAccessor}'");
        using (var refused = await Server.PostJsonAsync("/api/v1/tokens", new { scopes = new[] { "metrics:read" } }, _admin))
        {
            Assert.NotEqual(HttpStatusCode.Created, refused.StatusCode);
        }

        await using (var stream = typeof(CofferMetrics).Assembly.GetManifestResourceStream("migrations/sqlite/0013_metrics_read_scope.sql")!)
        using (var reader = new StreamReader(stream))
        {
            await Server.ExecuteSqlAsync(await reader.ReadToEndAsync());
        }

        Assert.Equal(1, await Server.ExecuteScalarAsync($"SELECT COUNT(*) FROM tokens WHERE accessor = '{_adminAccessor}' AND (' ' || scopes || ' ') LIKE '% metrics:read %' AND (' ' || scopes || ' ') LIKE '% admin %'"));
        Assert.Equal(0, await Server.ExecuteScalarAsync("SELECT COUNT(*) FROM tokens WHERE parent_accessor IS NOT NULL AND scopes LIKE '%metrics:read%'"));
    }

    private static ConnectionRow Connection(Guid userId, string exchange, string label) => new()
    {
        Id = Guid.NewGuid(),
        UserId = userId,
        Exchange = exchange,
        Label = label,
        ApiKey = "key-" + label,
        SecretId = Guid.NewGuid(),
        CredentialAccessor = "acc" + Guid.NewGuid().ToString("N"),
        Status = ConnectionRow.Active,
        ReportedPermissions = string.Empty,
        CreatedAt = DateTimeOffset.UtcNow,
        VerifiedAt = DateTimeOffset.UtcNow,
    };

    private static SyncCoverageRow Coverage(ConnectionRow connection, string status, DateTimeOffset finished, DateTimeOffset lastComplete) => new()
    {
        ConnectionId = connection.Id,
        UserId = connection.UserId,
        Status = status,
        StartedAt = finished.AddSeconds(-1),
        FinishedAt = finished,
        LastCompleteAt = lastComplete,
        Detail = "[]",
    };

    private async Task<string> ScrapeAsync()
    {
        using var response = await Server.GetAsync("/metrics", _admin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private sealed class StubHandler(Func<HttpStatusCode> status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status()) { Content = new StringContent("{}") });
    }
}
