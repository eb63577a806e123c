namespace Coffer.Sandbox.Tests.Support;

/// <summary>A sandbox with one exchange (Binance unless told) on a free loopback port, a manual clock, and test clients pointed at it.</summary>
internal sealed class SandboxRun : IAsyncDisposable
{
    private SandboxRun(SandboxHost host, ManualClock clock, HttpClient http)
    {
        Host = host;
        Clock = clock;
        Binance = new BinanceTestClient(http, clock);
        Kraken = new KrakenTestClient(http);
    }

    public static DateTimeOffset Start { get; } = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    public SandboxHost Host { get; }

    public ManualClock Clock { get; }

    public BinanceTestClient Binance { get; }

    public KrakenTestClient Kraken { get; }

    public static async Task<SandboxRun> StartAsync(
        Func<SandboxOptions, SandboxOptions>? configure = null, DateTimeOffset? start = null, SandboxExchange exchange = SandboxExchange.Binance)
    {
        var clock = new ManualClock(start ?? Start);
        var options = new SandboxOptions { Exchanges = [exchange], TimeProvider = clock };
        var host = await SandboxHost.StartAsync(configure?.Invoke(options) ?? options);
        var http = new HttpClient { BaseAddress = host.BaseUrl(exchange) };
        return new SandboxRun(host, clock, http);
    }

    public async ValueTask DisposeAsync()
    {
        Binance.Http.Dispose();
        await Host.DisposeAsync();
    }
}
