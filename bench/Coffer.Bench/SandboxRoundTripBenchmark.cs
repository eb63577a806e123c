using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Coffer.Exchanges;
using Coffer.Exchanges.Binance;
using Coffer.Exchanges.Signing;
using Coffer.Exchanges.Transport;
using Coffer.Sandbox;
using Coffer.Vault;
using Coffer.Vault.Signing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Bench;

/// <summary>
/// A signed Binance round trip, Coffer → sandbox on loopback: <see cref="BinanceClient.FetchBalanceAsync"/> (request budget,
/// exchange clock, signing through the vault's oracle, GET /api/v3/account, the sandbox's key, timestamp and HMAC checks,
/// parsing into unified balances). Baselines on the same listener and the same pooled connection:
/// <list type="bullet">
/// <item>raw unsigned GET /api/v3/time — the floor of one HTTP exchange through the sandbox's pipeline (fault middleware,
/// request weight, a small JSON body);</item>
/// <item>raw signed GET /api/v3/account — the same request the connector sends, built and HMAC-signed in place with the
/// secret in memory and the body read as a string: what the connector's budget, vault oracle and parsing add is the gap
/// to this line.</item>
/// </list>
/// The connector's budget counts on a clock whose elapsed time runs a million times fast, so Binance's documented 6000 weight per
/// minute never throttles the loop (the budget's bookkeeping is still done on every call); the sandbox's own weight
/// limit is raised for the same reason, and the connector's HTTP client drops the sandbox's X-MBX-USED-WEIGHT-1M answers,
/// which the budget would otherwise (rightly) count against the real minute. Percentiles in the table are of per-operation times, in microseconds.
/// </summary>
[Config(typeof(RoundTripConfig))]
public class SandboxRoundTripBenchmark
{
    private static readonly string[] ReadTrade = ["read", "trade"];

    private SandboxHost _host = null!;
    private HttpClient _http = null!;
    private HttpClient _connectorHttp = null!;
    private CofferVault _vault = null!;
    private BinanceClient _client = null!;
    private string _apiKey = null!;
    private byte[] _secret = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _host = await SandboxHost.StartAsync(new SandboxOptions
        {
            Exchanges = [SandboxExchange.Binance],
            Binance = new Coffer.Sandbox.Binance.BinanceOptions { RequestWeightPerMinute = int.MaxValue / 2, SapiIpWeightPerMinute = int.MaxValue / 2 },
        });
        var baseUri = _host.BaseUrl(SandboxExchange.Binance);
        _http = new HttpClient(new SocketsHttpHandler()) { BaseAddress = baseUri };

        using var issued = await _http.PostAsJsonAsync("/sandbox/keys", new { exchange = "binance", permissions = ReadTrade });
        var key = await issued.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        _apiKey = key.GetProperty("api_key").GetString()!;
        _secret = Encoding.UTF8.GetBytes(key.GetProperty("secret").GetString()!);
        var account = key.GetProperty("account").GetString()!;
        using var deposit = await _http.PostAsJsonAsync($"/sandbox/accounts/{account}/deposit", new { asset = "USDT", amount = 10_000m });
        deposit.EnsureSuccessStatusCode();

        (_vault, var handle) = await BenchVault.WithSecretAsync(_secret);

        var time = new RoundTripSupport.FastElapsedTime();
        _connectorHttp = new HttpClient(new RoundTripSupport.NoUsageHeaders(new SocketsHttpHandler()));
        var services = new ConnectorServices(_connectorHttp, new RequestBudgets(time), new InMemoryNonceStore(), NullLoggerFactory.Instance, time);
        _client = new BinanceClient(new ExchangeConnection("binance", baseUri, new ExchangeCredentials(_apiKey, new VaultRequestSigner(_vault, handle))), services);

        // All three paths work, and the signed ones see the deposit, before anything is measured.
        if ((await _client.FetchBalanceAsync(default)).ByCurrency["USDT"].Free != 10_000m || !(await RawSignedAccount()).Contains("\"USDT\"", StringComparison.Ordinal) || await RawTime() == 0)
        {
            throw new InvalidOperationException("The sandbox round trip does not work.");
        }
    }

    [Benchmark(Baseline = true, Description = "raw GET /api/v3/time (unsigned)")]
    public async Task<int> RawTime()
    {
        using var response = await _http.GetAsync(new Uri("/api/v3/time", UriKind.Relative));
        return (await response.Content.ReadAsStringAsync()).Length;
    }

    [Benchmark(Description = "raw GET /api/v3/account (HMAC in place)")]
    public async Task<string> RawSignedAccount()
    {
        var query = "recvWindow=5000&timestamp=" + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(query)));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/v3/account?{query}&signature={signature}", UriKind.Relative));
        request.Headers.Add("X-MBX-APIKEY", _apiKey);
        using var response = await _http.SendAsync(request);
        return await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync();
    }

    [Benchmark(Description = "BinanceClient.FetchBalanceAsync (signed via vault)")]
    public async Task<int> ConnectorBalance() => (await _client.FetchBalanceAsync(default)).ByCurrency.Count;

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _connectorHttp.Dispose();
        _vault.Dispose();
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
