using System.Net;
using Coffer.Sandbox.Binance;
using Coffer.Sandbox.Coinbase;
using Coffer.Sandbox.Control;
using Coffer.Sandbox.Faults;
using Coffer.Sandbox.Kraken;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Coffer.Sandbox;

/// <summary>
/// Runs the sandbox: one Kestrel listener per exchange on 127.0.0.1 (plain HTTP, loopback only), all over one shared
/// <see cref="SandboxState"/>. Each listener serves its exchange's wire protocol and the <c>/sandbox/…</c> control API.
/// </summary>
internal sealed class SandboxHost : IAsyncDisposable
{
    private readonly List<WebApplication> _apps;
    private readonly ITimer? _priceTimer;

    private SandboxHost(SandboxState state, List<WebApplication> apps, IReadOnlyDictionary<SandboxExchange, Uri> urls, ITimer? priceTimer)
    {
        State = state;
        _apps = apps;
        BaseUrls = urls;
        _priceTimer = priceTimer;
    }

    public SandboxState State { get; }

    public IReadOnlyDictionary<SandboxExchange, Uri> BaseUrls { get; }

    public Uri BaseUrl(SandboxExchange exchange) =>
        BaseUrls.TryGetValue(exchange, out var url) ? url : throw new InvalidOperationException($"The sandbox does not run {exchange.Name()}.");

    public static async Task<SandboxHost> StartAsync(SandboxOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var unsupported = options.Exchanges.Where(e => !SandboxExchanges.Implemented.Contains(e)).ToList();
        if (unsupported.Count > 0)
        {
            throw new ArgumentException($"The sandbox has no front for {string.Join(", ", unsupported.Select(e => e.Name()))} yet.", nameof(options));
        }

        var state = new SandboxState(options);
        var apps = new List<WebApplication>();
        var urls = new Dictionary<SandboxExchange, Uri>();
        try
        {
            foreach (var exchange in options.Exchanges.Distinct())
            {
                var port = options.PortBase is { } portBase ? portBase + (int)exchange : 0;
                var app = Build(state, exchange, port);
                await app.StartAsync(cancellationToken);
                apps.Add(app);
                var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                urls[exchange] = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
            }
        }
        catch
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }

            throw;
        }

        var timer = options.PriceInterval is { } interval
            ? options.TimeProvider.CreateTimer(_ => state.Engine.Step(), null, interval, interval)
            : null;
        return new SandboxHost(state, apps, urls, timer);
    }

    private static WebApplication Build(SandboxState state, SandboxExchange exchange, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.AddRoutingCore();
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(state);
        IExchangeFront front = exchange switch
        {
            SandboxExchange.Binance => new BinanceFront(state),
            SandboxExchange.Kraken => new KrakenFront(state),
            SandboxExchange.Coinbase => new CoinbaseFront(state),
            _ => throw new ArgumentOutOfRangeException(nameof(exchange)),
        };
        builder.Services.AddSingleton(front);

        var app = builder.Build();
        app.UseMiddleware<FaultMiddleware>();
        app.MapControlEndpoints();
        switch (front)
        {
            case BinanceFront binance:
                binance.Map(app);
                break;
            case KrakenFront kraken:
                kraken.Map(app);
                break;
            case CoinbaseFront coinbase:
                coinbase.Map(app);
                break;
        }

        return app;
    }

    public async Task StopAsync()
    {
        if (_priceTimer is not null)
        {
            await _priceTimer.DisposeAsync();
        }

        foreach (var app in _apps)
        {
            await app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
    }
}
