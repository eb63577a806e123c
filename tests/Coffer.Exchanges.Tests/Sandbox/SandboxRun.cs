using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Coffer.Exchanges.Binance;
using Coffer.Exchanges.Signing;
using Coffer.Exchanges.Tests.Support;
using Coffer.Exchanges.Transport;
using Coffer.Sandbox;
using Microsoft.Extensions.Logging;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>The sandbox runs the connector tests use, one exchange front each.</summary>
internal static class BinanceSandbox
{
    public static Task<SandboxRun<BinanceClient>> StartAsync(Func<SandboxOptions, SandboxOptions>? configure = null) =>
        SandboxRun<BinanceClient>.StartAsync(SandboxExchange.Binance, configure);
}

/// <summary>
/// A real connector against one sandbox front over loopback HTTP: a sandbox host (system clock, prices move only when
/// the test says), a real vault holding the secrets, one <see cref="ConnectorServices"/> (shared request budgets, clock and
/// nonce store) with logging captured at Trace, and an HTTP handler that records every API key and signature the connector
/// sends so a test can scan the logs for them. The control API (<c>/sandbox/…</c>) is the test's hand, over its own client.
/// </summary>
/// <typeparam name="TClient">The connector type <see cref="ExchangeCatalog"/> builds for the exchange.</typeparam>
internal sealed class SandboxRun<TClient> : IAsyncDisposable
    where TClient : IExchangeClient
{
    private readonly TestVault _vault;
    private readonly HttpClient _exchangeHttp;
    private readonly ILoggerFactory _logs;

    private SandboxRun(SandboxExchange exchange, SandboxHost host, TestVault vault, HttpClient exchangeHttp, RecordingHandler recorder, ILoggerFactory logs, CapturingLoggerProvider captured)
    {
        ExchangeId = exchange.ToString().ToLowerInvariant();
        Host = host;
        _vault = vault;
        _exchangeHttp = exchangeHttp;
        Recorder = recorder;
        _logs = logs;
        Logs = captured;
        BaseUri = host.BaseUrl(exchange);
        Control = new HttpClient { BaseAddress = BaseUri };
        Services = new ConnectorServices(exchangeHttp, new RequestBudgets(TimeProvider.System), new InMemoryNonceStore(), logs, TimeProvider.System);
    }

    /// <summary>The exchange's id in <see cref="ExchangeCatalog"/> and the control API (<c>binance</c>).</summary>
    public string ExchangeId { get; }

    public SandboxHost Host { get; }

    public Uri BaseUri { get; }

    public HttpClient Control { get; }

    public ConnectorServices Services { get; }

    public CapturingLoggerProvider Logs { get; }

    public RecordingHandler Recorder { get; }

    /// <summary>Every secret the sandbox issued in this run, so a scan covers keys that were never used to sign, too.</summary>
    public ConcurrentBag<string> Secrets { get; } = [];

    public static async Task<SandboxRun<TClient>> StartAsync(SandboxExchange exchange, Func<SandboxOptions, SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions { Exchanges = [exchange], TimeProvider = TimeProvider.System, PriceInterval = null };
        var host = await SandboxHost.StartAsync(configure?.Invoke(options) ?? options);
        var vault = await TestVault.StartAsync();
        var recorder = new RecordingHandler(new SocketsHttpHandler());
        var captured = new CapturingLoggerProvider();
        var logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(captured));
        return new SandboxRun<TClient>(exchange, host, vault, new HttpClient(recorder), recorder, logs, captured);
    }

    /// <summary>Issues a key through the control API with the given permissions (read, trade, withdraw, transfer).</summary>
    public async Task<SandboxKey> IssueKeyAsync(params string[] permissions)
    {
        using var response = await Control.PostAsJsonAsync("/sandbox/keys", new { exchange = ExchangeId, permissions });
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        var key = new SandboxKey(json.GetProperty("api_key").GetString()!, json.GetProperty("secret").GetString()!, json.GetProperty("account").GetString()!);
        Secrets.Add(key.Secret);
        return key;
    }

    public async Task DepositAsync(string account, string asset, decimal amount)
    {
        using var response = await Control.PostAsJsonAsync($"/sandbox/accounts/{account}/deposit", new { asset, amount });
        response.EnsureSuccessStatusCode();
    }

    public async Task SetPriceAsync(string symbol, decimal price)
    {
        using var response = await Control.PostAsJsonAsync("/sandbox/prices", new { symbol, price });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Moves every price one random-walk step and replenishes each market's liquidity (thin markets fill in parts).</summary>
    public async Task StepAsync()
    {
        using var response = await Control.PostAsJsonAsync("/sandbox/step", new { count = 1 });
        response.EnsureSuccessStatusCode();
    }

    public async Task SetFaultsAsync(object plan)
    {
        using var response = await Control.PostAsJsonAsync("/sandbox/faults", plan);
        response.EnsureSuccessStatusCode();
    }

    public async Task ClearFaultsAsync()
    {
        using var response = await Control.DeleteAsync(new Uri("/sandbox/faults", UriKind.Relative));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The sandbox's own fill records of an account (the ground truth), oldest first.</summary>
    public async Task<IReadOnlyList<SandboxFill>> FillsAsync(string account)
    {
        var json = await Control.GetFromJsonAsync<JsonElement>($"/sandbox/accounts/{account}/fills");
        return [.. json.EnumerateArray().Select(f => new SandboxFill(
            f.GetProperty("id").GetInt64(),
            f.GetProperty("order_id").GetInt64(),
            f.GetProperty("symbol").GetString()!,
            f.GetProperty("side").GetString()!,
            Dec(f, "price"),
            Dec(f, "quantity"),
            Dec(f, "quote_quantity"),
            Dec(f, "fee"),
            f.GetProperty("fee_asset").GetString()!,
            f.GetProperty("maker").GetBoolean()))];
    }

    /// <summary>The sandbox's balances of an account: asset → (free, locked).</summary>
    public async Task<IReadOnlyDictionary<string, (decimal Free, decimal Locked)>> BalancesAsync(string account)
    {
        var json = await Control.GetFromJsonAsync<JsonElement>($"/sandbox/accounts/{account}/balances");
        return json.EnumerateArray().ToDictionary(b => b.GetProperty("asset").GetString()!, b => (Dec(b, "free"), Dec(b, "locked")), StringComparer.Ordinal);
    }

    /// <summary>The sandbox's request log (exchange endpoints only): path, status and outcome ("ok", "-1021", "fault:429").</summary>
    public async Task<IReadOnlyList<SandboxRequest>> RequestsAsync()
    {
        var json = await Control.GetFromJsonAsync<JsonElement>("/sandbox/requests?count=10000");
        return [.. json.EnumerateArray().Select(r => new SandboxRequest(
            r.GetProperty("method").GetString()!,
            r.GetProperty("path").GetString()!,
            r.TryGetProperty("api_key", out var k) ? k.GetString() : null,
            r.GetProperty("status").GetInt32(),
            r.GetProperty("outcome").GetString()!))];
    }

    /// <summary>A connector for <paramref name="key"/>, its secret stored in the vault (or <paramref name="secret"/> instead: a wrong one).</summary>
    public async Task<TClient> ClientAsync(SandboxKey key, string? secret = null) =>
        Client(await CredentialsAsync(key, secret));

    /// <summary>Stores the key's secret (or <paramref name="secret"/> instead) in the vault: credentials signing through it.</summary>
    public Task<ExchangeCredentials> CredentialsAsync(SandboxKey key, string? secret = null) =>
        _vault.CredentialsAsync(key.ApiKey, secret ?? key.Secret);

    /// <summary>A connector built as production builds it (<see cref="ExchangeCatalog"/>), over <see cref="Services"/>.</summary>
    public TClient Client(ExchangeCredentials? credentials) => Client(credentials, Services);

    /// <summary>A connector built as production builds it, over <paramref name="services"/> (another Coffer's, say).</summary>
    public TClient Client(ExchangeCredentials? credentials, ConnectorServices services) =>
        (TClient)ExchangeCatalog.Find(ExchangeId)!.Create(new ExchangeConnection(ExchangeId, BaseUri, credentials), services);

    /// <summary>
    /// What a second Coffer (or another program built on Coffer's connectors) would share with nobody here: its own request
    /// budgets, clocks and nonce store (<paramref name="nonces"/>, or an empty in-memory one). HTTP stays recorded and logs
    /// captured, so a scan covers its calls too.
    /// </summary>
    public ConnectorServices OtherServices(INonceStore? nonces = null) =>
        new(_exchangeHttp, new RequestBudgets(TimeProvider.System), nonces ?? new InMemoryNonceStore(), _logs, TimeProvider.System);

    public async ValueTask DisposeAsync()
    {
        Control.Dispose();
        _exchangeHttp.Dispose();
        _logs.Dispose();
        _vault.Dispose();
        await Host.DisposeAsync();
    }

    private static decimal Dec(JsonElement e, string name) =>
        decimal.Parse(e.GetProperty(name).GetString()!, NumberStyles.Number, CultureInfo.InvariantCulture);
}

internal sealed record SandboxKey(string ApiKey, string Secret, string Account);

internal sealed record SandboxFill(long Id, long OrderId, string Symbol, string Side, decimal Price, decimal Quantity, decimal QuoteQuantity, decimal Fee, string FeeAsset, bool Maker);

internal sealed record SandboxRequest(string Method, string Path, string? ApiKey, int Status, string Outcome);

/// <summary>
/// Records what a connector puts on the wire that must never reach a log: API keys (Binance <c>X-MBX-APIKEY</c>, Kraken
/// <c>API-Key</c>) and signatures (Binance's <c>signature</c> parameter, Kraken's <c>API-Sign</c>, Coinbase's bearer JWT).
/// </summary>
internal sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly string[] KeyHeaders = [BinanceRequest.ApiKeyHeader, "API-Key"];

    public ConcurrentBag<string> ApiKeys { get; } = [];

    public ConcurrentBag<string> Signatures { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        foreach (var header in KeyHeaders)
        {
            if (request.Headers.TryGetValues(header, out var keys))
            {
                foreach (var key in keys)
                {
                    ApiKeys.Add(key);
                }
            }
        }

        if (request.Headers.TryGetValues("API-Sign", out var signs))
        {
            foreach (var sign in signs)
            {
                Signatures.Add(sign);
            }
        }

        if (request.Headers.Authorization is { Scheme: "Bearer", Parameter: { } jwt })
        {
            Signatures.Add(jwt);
            Signatures.Add(jwt[(jwt.LastIndexOf('.') + 1)..]);
        }

        Collect(request.RequestUri?.Query.TrimStart('?'));
        if (request.Content is { } content)
        {
            Collect(await content.ReadAsStringAsync(cancellationToken));
        }

        return await base.SendAsync(request, cancellationToken);
    }

    private void Collect(string? form)
    {
        foreach (var pair in (form ?? string.Empty).Split('&'))
        {
            if (pair.StartsWith("signature=", StringComparison.Ordinal))
            {
                Signatures.Add(pair["signature=".Length..]);
            }
        }
    }
}
