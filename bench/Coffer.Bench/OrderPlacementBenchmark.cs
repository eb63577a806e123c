using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Coffer.Exchanges;
using Coffer.Exchanges.Model;
using Coffer.Exchanges.Signing;
using Coffer.Exchanges.Transport;
using Coffer.Sandbox;
using Coffer.Sandbox.Keys;
using Coffer.Server.Features.Connections;
using Coffer.Vault;
using Coffer.Vault.Signing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Bench;

/// <summary>
/// Issue #5, trading: one GTC limit buy of 0.0002 BTC/USDT at 30,000 (half the sandbox's price, so it rests; 6 USDT,
/// far below the step-up threshold, which is raised to 10^9 as well) on the sandbox's Binance, four ways, all with the
/// same key and account:
/// <list type="bullet">
/// <item>raw: POST /api/v3/order built and HMAC-signed in place with the secret in memory (the floor of the round trip);</item>
/// <item>baseline — the connector: <see cref="IExchangeClient.CreateOrderAsync"/> as <see cref="ExchangeRoundTripBenchmark"/>
/// builds it (an unsealed in-memory vault's oracle signs, the connector's budget on a fast clock, usage headers dropped);</item>
/// <item>the same connector as the server builds it (ConnectionService.CreateClient: the server's vault over SQLite,
/// its ConnectorServices and exchange HTTP client) — what the server's own call to the exchange costs;</item>
/// <item>Coffer: POST /api/v1/orders over HTTPS with a new Idempotency-Key — bearer-token authentication, access log,
/// rate limiter, the idempotency check, the connection's liveness, market rules against cached markets and tickers, the
/// token's limits and daily volume, recording the order with its audit entry, marking it sent, the connector's signed
/// call (as in the row above), recording the answer, and the JSON answer.</item>
/// </list>
/// After every iteration (not measured) the account's open BTC/USDT orders are cancelled in the sandbox's engine, so the
/// book and the open-order lists stay small, and — in the Coffer case — the benchmark waits until the background sync
/// Coffer queues after every order has finished, so it does not run inside the next measured order. The gap between the
/// Coffer row and the baseline is Coffer's server-side overhead per order (plus the HTTPS hop to the server).
/// </summary>
[Config(typeof(OrderPlacementConfig))]
public class OrderPlacementBenchmark
{
    private const string Symbol = "BTC/USDT";
    private const decimal Amount = 0.0002m;
    private const decimal Price = 30_000m;

    private BenchServer _server = null!;
    private BenchTrader _trader = null!;
    private SandboxKey _key = null!;
    private Guid _connectionId;
    private HttpClient _raw = null!;
    private HttpClient _connectorHttp = null!;
    private CofferVault _vault = null!;
    private IExchangeClient _connector = null!;
    private IExchangeClient _serverConnector = null!;
    private byte[] _secret = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _server = await BenchServer.StartAsync();
        _key = _server.FundedKey(SandboxExchange.Binance, ("USDT", 10_000_000m));
        _trader = await _server.TraderAsync("bench-trader");
        _connectionId = await _server.ConnectAsync(_trader, _key);
        await _server.SetStepUpThresholdAsync(_trader, 1_000_000_000m);

        var baseUri = _server.Sandbox.BaseUrl(SandboxExchange.Binance);
        _secret = Encoding.UTF8.GetBytes(_key.Secret);
        _raw = new HttpClient(new SocketsHttpHandler()) { BaseAddress = baseUri };

        // The connector as ExchangeRoundTripBenchmark builds it, on the server's clock (the sandbox checks timestamps on it).
        (_vault, var handle) = await BenchVault.WithSecretAsync(_secret);
        _connectorHttp = new HttpClient(new RoundTripSupport.NoUsageHeaders(new SocketsHttpHandler()));
        var services = new ConnectorServices(_connectorHttp, new RequestBudgets(_server.Clock), new InMemoryNonceStore(), NullLoggerFactory.Instance, _server.Clock);
        _connector = ExchangeCatalog.Find("binance")!.Create(new ExchangeConnection("binance", baseUri, new ExchangeCredentials(_key.ApiKey, new VaultRequestSigner(_vault, handle))), services);

        // The connector as the server makes it for this connection.
        _serverConnector = _server.Services.GetRequiredService<ConnectionService>().CreateClient(await _server.ConnectionRowAsync(_connectionId));

        // The connectors need their markets (the server's own connector keeps them cached for an hour); then every path
        // places a resting order before anything is measured.
        await _connector.FetchMarketsAsync(default);
        await _serverConnector.FetchMarketsAsync(default);
        var raw = await RawSigned();
        var connector = await Connector();
        var server = await ServerConnector();
        var coffer = await Coffer();
        var open = _server.Sandbox.State.Engine.GetOrders(_key.Account, Symbol, openOnly: true).Count;
        if (raw == 0 || connector.Length == 0 || server.Length == 0 || coffer == 0 || open != 4)
        {
            throw new InvalidOperationException($"The order paths do not work (open orders in the sandbox: {open}).");
        }

        await CancelAndSettle();
    }

    [Benchmark(Description = "raw POST /api/v3/order (HMAC in place)")]
    public async Task<int> RawSigned()
    {
        var query = string.Create(CultureInfo.InvariantCulture, $"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity={Amount}&price={Price}&newClientOrderId={Guid.NewGuid():D}&newOrderRespType=FULL&recvWindow=5000&timestamp={_server.Clock.GetUtcNow().ToUnixTimeMilliseconds()}");
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(query)));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v3/order", UriKind.Relative))
        {
            Content = new StringContent(query + "&signature=" + signature, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-MBX-APIKEY", _key.ApiKey);
        using var response = await _raw.SendAsync(request);
        return (await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync()).Length;
    }

    [Benchmark(Baseline = true, Description = "connector CreateOrderAsync (in-memory vault)")]
    public async Task<string> Connector() => (await _connector.CreateOrderAsync(Order(), default)).Id;

    [Benchmark(Description = "connector CreateOrderAsync (server's vault + services)")]
    public async Task<string> ServerConnector() => (await _serverConnector.CreateOrderAsync(Order(), default)).Id;

    [Benchmark(Description = "Coffer POST /api/v1/orders")]
    public async Task<int> Coffer()
    {
        var body = new { connection_id = _connectionId, symbol = Symbol, side = "buy", type = "limit", amount = Amount, price = Price };
        using var response = await _server.SendAsync(HttpMethod.Post, "/api/v1/orders", body, _trader.Session, idempotencyKey: Guid.NewGuid().ToString());
        if (response.StatusCode != HttpStatusCode.Created)
        {
            await BenchServer.JsonAsync(response, HttpStatusCode.Created);
        }

        return (await response.Content.ReadAsStringAsync()).Length;
    }

    [IterationCleanup]
    public void Settle() => CancelAndSettle().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _connectorHttp.Dispose();
        _vault.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static OrderRequest Order() => new()
    {
        Symbol = Symbol,
        Side = OrderSide.Buy,
        Type = OrderType.Limit,
        Amount = Amount,
        Price = Price,
        ClientOrderId = Guid.NewGuid().ToString("D"),
    };

    private async Task CancelAndSettle()
    {
        _server.Sandbox.State.Engine.CancelAll(_key.Account, Symbol);
        await _server.WaitForBackgroundSyncsAsync();
    }
}

/// <summary>
/// <see cref="RoundTripConfig"/>'s job (one order per iteration, monitoring, no forced collection, in process; p50, p95
/// and p99 of single orders) with 100 warm-up and 1,000 measured orders per case: the Coffer case's iterations also wait
/// for the background sync (not measured), so 3,300 of them would pass the in-process toolchain's time limit, raised to
/// 15 minutes here all the same.
/// </summary>
public sealed class OrderPlacementConfig : ManualConfig
{
    public OrderPlacementConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithGcForce(false)
            .WithWarmupCount(100)
            .WithIterationCount(1000)
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(15), logOutput: true)));
        AddColumn(StatisticColumn.P50, StatisticColumn.P95, new RoundTripSupport.P99Column());
        WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(Perfolizer.Horology.TimeUnit.Microsecond));
    }
}
