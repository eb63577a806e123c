using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Coffer.Sandbox;
using Coffer.Sandbox.Keys;
using Coffer.Server.Data;
using Coffer.Server.Features.Connections;
using Coffer.Server.Features.Identity;
using Coffer.Server.Features.Perimeter;
using Coffer.Server.Features.Portfolio;
using Coffer.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Bench;

/// <summary>
/// The server's and the exchanges' one clock: wall time plus an offset the benchmark moves forward (a fresh TOTP step
/// for every step-up, a cache lifetime passed), with elapsed time running a million times fast as in
/// <see cref="RoundTripSupport.FastElapsedTime"/>, so the connectors' request budgets (the server's <see cref="TimeProvider"/>
/// is what they count on) never make a call wait. Timers are real.
/// </summary>
internal sealed class BenchClock : TimeProvider
{
    private const long Factor = 1_000_000;
    private readonly long _start = System.GetTimestamp();
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public override long GetTimestamp() => (System.GetTimestamp() - _start) * Factor;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    /// <summary>Moves to the start of the next 30-second TOTP step (plus a second), so a new code is due.</summary>
    public void NextTotpStep()
    {
        var now = GetUtcNow().ToUnixTimeSeconds();
        Advance(TimeSpan.FromSeconds(Totp.StepSeconds - (now % Totp.StepSeconds) + 1));
    }
}

/// <summary>A trader signed up through an invitation, with TOTP enrolled: the session token and the authenticator's seed.</summary>
internal sealed record BenchTrader(string Username, string Session, byte[] Seed);

/// <summary>
/// A real <c>coffer server</c> in the benchmark's process (Kestrel on a loopback port, HTTPS with its generated
/// certificate, SQLite in a temp directory, Shamir vault initialized and unsealed) and the sandbox's Binance, Kraken and
/// Coinbase fronts, both on one <see cref="BenchClock"/>. What tests/Coffer.Server.Tests does with ServerInstance,
/// IdentityTest and ConnectionTest, without referencing them. Every limit that could decide a figure is lifted: the
/// perimeter's rate limits and sign-in throttle, the fronts' request weights and counters, and Binance's real-minute
/// usage headers, which the server's exchange HTTP client drops (as the round-trip benchmarks' connectors do).
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    public const string AdminPassword = "the first passphrase of the root of the tree";
    public const string UserPassword = "a long enough passphrase 42";
    public const KeyPermissions ReadTrade = KeyPermissions.Read | KeyPermissions.Trade;

    private static readonly JsonSerializerOptions Json = CreateJson();

    private readonly WebApplication _app;
    private readonly DirectoryInfo _data;
    private string _adminToken = string.Empty;

    private BenchServer(WebApplication app, DirectoryInfo data, BenchClock clock, SandboxHost sandbox, HttpClient client)
    {
        _app = app;
        _data = data;
        Clock = clock;
        Sandbox = sandbox;
        Client = client;
    }

    public BenchClock Clock { get; }

    public SandboxHost Sandbox { get; }

    /// <summary>HTTPS to the server, trusting exactly its generated certificate; one pooled connection reused.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The admin's root token (kind trader), from init.</summary>
    public string AdminToken => _adminToken;

    /// <param name="tune">Changes to the settings below, e.g. the daily quotas or PostgreSQL in place of SQLite.</param>
    public static async Task<BenchServer> StartAsync(Func<ServerSettings, ServerSettings>? tune = null)
    {
        var clock = new BenchClock();
        var sandbox = await SandboxHost.StartAsync(new SandboxOptions
        {
            Exchanges = [SandboxExchange.Binance, SandboxExchange.Kraken, SandboxExchange.Coinbase],
            TimeProvider = clock,
            Binance = new Coffer.Sandbox.Binance.BinanceOptions { RequestWeightPerMinute = int.MaxValue / 2, SapiIpWeightPerMinute = int.MaxValue / 2 },
            Kraken = new Coffer.Sandbox.Kraken.KrakenOptions { CallCounterMax = decimal.MaxValue / 4, TradingCounterMax = decimal.MaxValue / 4 },
            Coinbase = new Coffer.Sandbox.Coinbase.CoinbaseOptions { PrivateRequestsPerSecond = int.MaxValue / 2, PublicRequestsPerSecond = int.MaxValue / 2 },
        });

        var data = Directory.CreateTempSubdirectory("coffer-bench-server-");
        var settings = new ServerSettings
        {
            DataDirectory = data.FullName,
            Listen = "127.0.0.1:0",
            KeyProvider = Coffer.Vault.KeyProviderKind.Shamir,
            Storage = StorageProvider.Sqlite,
            AllowCustomExchangeUrls = true,
            SignInAttemptsPerMinute = 1_000_000,
            RateLimits = new RateLimitSettings(Interactive: 1_000_000_000, Api: 1_000_000_000, Anonymous: 1_000_000_000, PerIp: 1_000_000_000),
            DailyQuotas = new DailyQuotaSettings(Enabled: true, Interactive: int.MaxValue, Api: int.MaxValue),
        };
        settings = tune?.Invoke(settings) ?? settings;
        var app = await ServerHost.StartAsync(settings, new StringWriter(), CancellationToken.None, builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.Services.AddHttpClient(ConnectionEndpoints.HttpClientName).AddHttpMessageHandler(() => new UsageHeadersDropped());
        });
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        var server = new BenchServer(app, data, clock, sandbox, CreateClient(settings, address));
        await server.InitAndUnsealAsync();
        return server;
    }

    /// <summary>POST /api/v1/sys/init (one share) and /sys/unseal, then the admin's password, as an operator would.</summary>
    private async Task InitAndUnsealAsync()
    {
        using var init = await SendAsync(HttpMethod.Post, "/api/v1/sys/init", new { shares = 1, threshold = 1 });
        var body = await JsonAsync(init);
        _adminToken = body.GetProperty("admin_token").GetString()!;
        using var unseal = await SendAsync(HttpMethod.Post, "/api/v1/sys/unseal", new { share = body.GetProperty("shares")[0].GetString() });
        await JsonAsync(unseal);
        using var password = await SendAsync(HttpMethod.Post, "/api/v1/auth/password", new { new_password = AdminPassword }, _adminToken);
        await JsonAsync(password);
    }

    /// <summary>Invites and signs up a trader, enrols and confirms TOTP.</summary>
    public async Task<BenchTrader> TraderAsync(string username)
    {
        using var invited = await SendAsync(HttpMethod.Post, "/api/v1/auth/invitations", new { role = Roles.Trader }, _adminToken);
        var invitation = (await JsonAsync(invited, HttpStatusCode.Created)).GetProperty("invitation").GetString()!;
        using var signedUp = await SendAsync(HttpMethod.Post, "/api/v1/auth/signup", new { invitation, username, password = UserPassword });
        var session = (await JsonAsync(signedUp, HttpStatusCode.Created)).GetProperty("token").GetString()!;
        using var begin = await SendAsync(HttpMethod.Post, "/api/v1/auth/2fa/totp", null, session);
        var seed = Totp.FromBase32((await JsonAsync(begin)).GetProperty("secret").GetString()!)!;
        using var confirm = await SendAsync(HttpMethod.Post, "/api/v1/auth/2fa/totp/confirm", new { code = Totp.Compute(seed, Clock.GetUtcNow()) }, session);
        await JsonAsync(confirm);
        return new BenchTrader(username, session, seed);
    }

    /// <summary>A current, unused step-up proof: the authenticator's code of the next 30-second step (the clock moves there).</summary>
    public string StepUp(BenchTrader trader)
    {
        Clock.NextTotpStep();
        return "totp=" + Totp.Compute(trader.Seed, Clock.GetUtcNow());
    }

    /// <summary>A new sandbox key (read + trade) on its own account, funded with <paramref name="deposits"/>.</summary>
    public SandboxKey FundedKey(SandboxExchange exchange, params (string Asset, decimal Amount)[] deposits)
    {
        var key = Sandbox.State.Keys.Issue(exchange, ReadTrade);
        foreach (var (asset, amount) in deposits)
        {
            Sandbox.State.Engine.Deposit(key.Account, asset, amount);
        }

        return key;
    }

    /// <summary>POST /api/v1/connections with step-up (the server verifies the key with two signed calls); the connection's id.</summary>
    public async Task<Guid> ConnectAsync(BenchTrader trader, SandboxKey key)
    {
        var exchange = key.Exchange.Name();
        var body = new { exchange, label = exchange, api_key = key.ApiKey, secret = key.Secret, base_url = Sandbox.BaseUrl(key.Exchange).ToString() };
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/connections", body, trader.Session, StepUp(trader));
        return (await JsonAsync(created, HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    /// <summary>PUT /api/v1/portfolio/settings: raising the step-up threshold takes a step-up itself.</summary>
    public async Task SetStepUpThresholdAsync(BenchTrader trader, decimal threshold)
    {
        using var response = await SendAsync(HttpMethod.Put, "/api/v1/portfolio/settings", new { step_up_threshold = threshold }, trader.Session, StepUp(trader));
        await JsonAsync(response);
    }

    public async Task<ConnectionRow> ConnectionRowAsync(Guid id)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<CofferDb>>().CreateDbContextAsync();
        return await db.Table<ConnectionRow>().AsNoTracking().SingleAsync(c => c.Id == id);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? token = null, string? stepUp = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (stepUp is not null)
        {
            request.Headers.Add(Coffer.Server.Features.Identity.StepUp.Header, stepUp);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await Client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        }

        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    /// <summary>
    /// Waits until the server's background sync queue (the sync Coffer asks for after every order it places) has nothing
    /// waiting and nothing running, so that one iteration's background work is not measured in the next. The queue has no
    /// public "idle" signal; its two private dictionaries say it, and the names are checked so a rename fails loudly.
    /// </summary>
    public async Task WaitForBackgroundSyncsAsync()
    {
        var queue = Services.GetRequiredService<SyncQueue>();
        var waiting = (System.Collections.ICollection)Field(queue, "_waiting");
        var running = (System.Collections.ICollection)Field(queue, "_running");
        var quiet = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (quiet < 2)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The background sync queue did not drain within 30 s.");
            }

            quiet = waiting.Count == 0 && running.Count == 0 ? quiet + 1 : 0;
            await Task.Delay(1);
        }
    }

    private static object Field(object owner, string name) =>
        owner.GetType().GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(owner)
            ?? throw new InvalidOperationException($"{owner.GetType().Name}.{name} is gone; update BenchServer.WaitForBackgroundSyncsAsync.");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Sandbox.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }

    private static HttpClient CreateClient(ServerSettings settings, Uri address)
    {
        var trusted = X509CertificateLoader.LoadCertificateFromFile(settings.GeneratedCertificatePath);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => TrustsOnly(trusted, certificate),
            },
        };
        return new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    private static bool TrustsOnly(X509Certificate2 trusted, X509Certificate? presented)
    {
        if (presented is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var certificate = new X509Certificate2(presented);
        return chain.Build(certificate);
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ServerHost.ConfigureJson(options);
        return options;
    }

    /// <summary>
    /// Drops Binance's X-MBX-USED-WEIGHT-1M / X-SAPI-USED-IP-WEIGHT-1M from the server's exchange answers, so the
    /// sandbox's real-minute weight count (its limit raised) is not fed into the connectors' budgets.
    /// </summary>
    private sealed class UsageHeadersDropped : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            response.Headers.Remove("X-MBX-USED-WEIGHT-1M");
            response.Headers.Remove("X-SAPI-USED-IP-WEIGHT-1M");
            return response;
        }
    }
}
