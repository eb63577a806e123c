using System.Diagnostics;
using System.Text.RegularExpressions;
using Coffer.Sandbox;
using Coffer.Server.Features.Portfolio;
using Coffer.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Cli.Demo;

/// <summary>What <c>coffer demo</c> was asked for.</summary>
/// <param name="Rate">How much faster than the wall clock the history is replayed.</param>
/// <param name="Configure">Changes to the demo server's settings (benchmarks lift the rate limits); null for none.</param>
internal sealed record DemoOptions(string Listen, int Days, int Seed, double Rate = 20, Func<ServerSettings, ServerSettings>? Configure = null)
{
    /// <summary>The longest history the demo replays.</summary>
    public const int MaxDays = 45;
}

/// <summary>
/// The demo's world, started and seeded: the sandbox with every exchange and a development server in this process, on one
/// demo clock that starts weeks ago; the seeder replays the demo trader's history through the API, then the clock goes
/// live. Everything lives in a fresh temporary data directory, deleted when this is disposed.
/// </summary>
internal sealed partial class DemoEnvironment : IAsyncDisposable
{
    private readonly string _data;
    private SandboxHost? _sandbox;
    private WebApplication? _server;

    private DemoEnvironment(string data) => _data = data;

    public ServerSettings Settings { get; private set; } = null!;

    /// <summary>The server's address as bound (an IP); <see cref="BrowserUrl"/> is what a person opens.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>https://localhost:PORT/, the origin passkeys are registered for.</summary>
    public Uri BrowserUrl => new UriBuilder(Address) { Host = "localhost" }.Uri;

    public string AdminToken { get; private set; } = null!;

    public IReadOnlyDictionary<string, Uri> Exchanges { get; private set; } = null!;

    public DemoApi Api { get; private set; } = null!;

    public DemoSeedResult Seeded { get; private set; } = null!;

    public TimeSpan SetupTime { get; private set; }

    public static async Task<DemoEnvironment> StartAsync(DemoOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var started = Stopwatch.GetTimestamp();
        var environment = new DemoEnvironment(Path.Combine(Path.GetTempPath(), "coffer-demo-" + Guid.NewGuid().ToString("N")[..12]));
        try
        {
            await environment.SetUpAsync(options, progress, cancellationToken);
            environment.SetupTime = Stopwatch.GetElapsedTime(started);
            return environment;
        }
        catch
        {
            await environment.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        if (_server is not null)
        {
            // Stopped before disposed, so the background services end as they do at Ctrl+C on `coffer server`.
            await _server.StopAsync(CancellationToken.None);
            await _server.DisposeAsync();
        }

        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        DeleteQuietly(_data);
    }

    private async Task SetUpAsync(DemoOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        var end = TimeProvider.System.GetUtcNow() - TimeSpan.FromMinutes(10);
        var steps = DemoHistory.Build(end, options.Days, options.Seed);
        var clock = new DemoClock(steps[0].At - TimeSpan.FromHours(1), options.Rate);

        _sandbox = await SandboxHost.StartAsync(
            new SandboxOptions { Exchanges = SandboxExchanges.Implemented, Seed = options.Seed, TimeProvider = clock, PriceInterval = TimeSpan.FromSeconds(1) },
            cancellationToken);
        Exchanges = _sandbox.BaseUrls.ToDictionary(x => x.Key.Name(), x => x.Value, StringComparer.Ordinal);

        // Self-contained: no COFFER_* variable of the shell reaches the demo (no PostgreSQL, no SMTP, no proxy). The replay
        // syncs and snapshots at each of its steps itself and the tracker refreshes every few minutes once live, so the
        // server's own schedules stay out of the way: they would run at every jump of the clock. (A timer's period can be
        // at most 49 days; the replay is at most MaxDays.)
        var settings = SettingsResolver.Resolve(_data, options.Listen, dev: true, _ => null) with
        {
            PortfolioSyncInterval = TimeSpan.FromDays(DemoOptions.MaxDays + 3),
            ExchangeRecheckInterval = TimeSpan.FromDays(DemoOptions.MaxDays + 3),
        };
        Settings = options.Configure?.Invoke(settings) ?? settings;

        var startup = new StringWriter();
        _server = await ServerHost.StartAsync(Settings, startup, cancellationToken, builder => builder.Services.AddSingleton<TimeProvider>(clock));
        AdminToken = AdminTokenLine().Match(startup.ToString()) is { Success: true } match
            ? match.Groups["token"].Value
            : throw new CliException("The development server did not initialize itself; is the data directory fresh?");
        Address = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        await progress.WriteLineAsync($"Coffer demo: replaying {options.Days} days of trading on {string.Join(", ", Exchanges.Keys)} (the sandbox) …");
        Api = new DemoApi(Address, Settings.GeneratedCertificatePath, Exchanges);
        var queue = _server.Services.GetRequiredService<SyncQueue>();
        var sandbox = _sandbox;
        var seeder = new DemoSeeder(Api, clock, ct => WaitQuietAsync(sandbox, queue, ct), progress);
        Seeded = await seeder.RunAsync(AdminToken, steps, cancellationToken);
    }

    /// <summary>
    /// Waits until no exchange request is being answered and no background sync is queued or running, so a jump of the
    /// demo clock never lands inside a request's timestamp window. Gives up after a few seconds (a stuck request only
    /// costs that request).
    /// </summary>
    private static async Task WaitQuietAsync(SandboxHost sandbox, SyncQueue queue, CancellationToken cancellationToken)
    {
        var quiet = 0;
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 5);
        while (quiet < 2 && Stopwatch.GetTimestamp() < deadline)
        {
            quiet = sandbox.State.Requests.InFlight == 0 && queue.IsIdle ? quiet + 1 : 0;
            await Task.Delay(2, cancellationToken);
        }
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: it is in the temp directory.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }

    [GeneratedRegex(@"export COFFER_TOKEN=(?<token>cof_\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex AdminTokenLine();
}
