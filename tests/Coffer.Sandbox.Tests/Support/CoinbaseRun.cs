namespace Coffer.Sandbox.Tests.Support;

/// <summary>A sandbox with Coinbase on a free loopback port, a manual clock, and a Coinbase test client pointed at it.</summary>
internal sealed class CoinbaseRun : IAsyncDisposable
{
    private CoinbaseRun(SandboxHost host, ManualClock clock, HttpClient http)
    {
        Host = host;
        Clock = clock;
        Coinbase = new CoinbaseTestClient(http, clock);
    }

    public SandboxHost Host { get; }

    public ManualClock Clock { get; }

    public CoinbaseTestClient Coinbase { get; }

    public static async Task<CoinbaseRun> StartAsync(Func<SandboxOptions, SandboxOptions>? configure = null)
    {
        var clock = new ManualClock(SandboxRun.Start);
        var options = new SandboxOptions { Exchanges = [SandboxExchange.Coinbase], TimeProvider = clock };
        var host = await SandboxHost.StartAsync(configure?.Invoke(options) ?? options);
        var http = new HttpClient { BaseAddress = host.BaseUrl(SandboxExchange.Coinbase) };
        return new CoinbaseRun(host, clock, http);
    }

    public async ValueTask DisposeAsync()
    {
        Coinbase.Http.Dispose();
        await Host.DisposeAsync();
    }
}
