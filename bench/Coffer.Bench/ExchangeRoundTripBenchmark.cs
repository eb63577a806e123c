using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Coffer.Exchanges;
using Coffer.Exchanges.Signing;
using Coffer.Exchanges.Transport;
using Coffer.Sandbox;
using Coffer.Vault;
using Coffer.Vault.Signing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Bench;

/// <summary>
/// The balances round trip of each exchange, Coffer → sandbox on loopback, against an unsigned raw HTTP call to the
/// same sandbox endpoint (which the front refuses for want of a key or signature, after the same routing, fault and
/// rate-limit middleware): the gap is what Coffer's connector adds (request budget, exchange clock or nonce, signing
/// through the vault's oracle — HMAC-SHA256 for Binance, HMAC-SHA512 for Kraken, an ES256 JWT for Coinbase — and
/// parsing into unified balances) plus the front's own checks of key, signature and the account's balances.
/// Limits are lifted as in <see cref="SandboxRoundTripBenchmark"/>: the connector's budget counts on a clock that runs
/// a million times fast, the fronts' counters are raised, and Binance's real-minute usage headers are dropped.
/// </summary>
[Config(typeof(RoundTripConfig))]
public class ExchangeRoundTripBenchmark
{
    private static readonly string[] ReadTrade = ["read", "trade"];

    private SandboxHost _host = null!;
    private HttpClient _raw = null!;
    private HttpClient _connectorHttp = null!;
    private CofferVault _vault = null!;
    private IExchangeClient _client = null!;
    private Func<HttpRequestMessage> _unsigned = null!;

    [Params("binance", "kraken", "coinbase")]
    public string Exchange { get; set; } = "binance";

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var exchange = Enum.Parse<SandboxExchange>(Exchange, ignoreCase: true);
        _host = await SandboxHost.StartAsync(new SandboxOptions
        {
            Exchanges = [exchange],
            Binance = new Coffer.Sandbox.Binance.BinanceOptions { RequestWeightPerMinute = int.MaxValue / 2, SapiIpWeightPerMinute = int.MaxValue / 2 },
            Kraken = new Coffer.Sandbox.Kraken.KrakenOptions { CallCounterMax = decimal.MaxValue / 4, TradingCounterMax = decimal.MaxValue / 4 },
            Coinbase = new Coffer.Sandbox.Coinbase.CoinbaseOptions { PrivateRequestsPerSecond = int.MaxValue / 2, PublicRequestsPerSecond = int.MaxValue / 2 },
        });
        var baseUri = _host.BaseUrl(exchange);
        _raw = new HttpClient(new SocketsHttpHandler()) { BaseAddress = baseUri };
        _unsigned = Exchange switch
        {
            "binance" => () => new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v3/account", UriKind.Relative)),
            "kraken" => () => new HttpRequestMessage(HttpMethod.Post, new Uri("/0/private/Balance", UriKind.Relative)) { Content = new StringContent("nonce=1", Encoding.UTF8, "application/x-www-form-urlencoded") },
            _ => () => new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v3/brokerage/accounts", UriKind.Relative)),
        };

        using var issued = await _raw.PostAsJsonAsync("/sandbox/keys", new { exchange = Exchange, permissions = ReadTrade });
        var key = await issued.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var account = key.GetProperty("account").GetString()!;
        using var deposit = await _raw.PostAsJsonAsync($"/sandbox/accounts/{account}/deposit", new { asset = "USDT", amount = 10_000m });
        deposit.EnsureSuccessStatusCode();

        (_vault, var handle) = await BenchVault.WithSecretAsync(Encoding.UTF8.GetBytes(key.GetProperty("secret").GetString()!));

        var time = new RoundTripSupport.FastElapsedTime();
        _connectorHttp = new HttpClient(new RoundTripSupport.NoUsageHeaders(new SocketsHttpHandler()));
        var services = new ConnectorServices(_connectorHttp, new RequestBudgets(time), new InMemoryNonceStore(), NullLoggerFactory.Instance, time);
        var credentials = new ExchangeCredentials(key.GetProperty("api_key").GetString()!, new VaultRequestSigner(_vault, handle));
        _client = ExchangeCatalog.Find(Exchange)!.Create(new ExchangeConnection(Exchange, baseUri, credentials), services);

        // Both paths work before anything is measured: the connector sees the deposit, the raw call is answered (refused).
        var usdt = (await _client.FetchBalanceAsync(default)).ByCurrency.GetValueOrDefault("USDT");
        if (usdt?.Free != 10_000m || await RawUnsigned() == 0)
        {
            throw new InvalidOperationException($"The {Exchange} sandbox round trip does not work.");
        }
    }

    [Benchmark(Baseline = true, Description = "raw unsigned call to the balances endpoint")]
    public async Task<int> RawUnsigned()
    {
        using var request = _unsigned();
        using var response = await _raw.SendAsync(request);
        return (await response.Content.ReadAsStringAsync()).Length + (int)response.StatusCode;
    }

    [Benchmark(Description = "FetchBalanceAsync (signed via vault)")]
    public async Task<int> ConnectorBalance() => (await _client.FetchBalanceAsync(default)).ByCurrency.Count;

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _connectorHttp.Dispose();
        _vault.Dispose();
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
