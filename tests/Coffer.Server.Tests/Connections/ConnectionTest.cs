using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Coffer.Sandbox;
using Coffer.Sandbox.Keys;
using Coffer.Server.Data;
using Coffer.Server.Hosting;
using Coffer.Server.Tests.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SandboxPermissions = Coffer.Sandbox.Keys.KeyPermissions;

namespace Coffer.Server.Tests.Connections;

/// <summary>
/// A real server (with custom exchange URLs allowed) and the sandbox's Binance, Kraken and Coinbase fronts over real HTTP;
/// helpers connect keys the way a client does, with a fresh TOTP step-up code each time.
/// </summary>
public abstract class ConnectionTest : IdentityTest, IAsyncLifetime
{
    /// <summary>The exchanges Coffer connects to, for theories that hold for each of them.</summary>
    public static TheoryData<string> Exchanges => ["binance", "kraken", "coinbase"];

    internal const SandboxPermissions ReadTrade = SandboxPermissions.Read | SandboxPermissions.Trade;

    internal SandboxHost Sandbox { get; private set; } = null!;

    /// <summary>The exchanges' clock: the server's manual one, unless a test runs the server as a real process later.</summary>
    internal virtual TimeProvider SandboxClock => Clock;

    internal override ServerSettings Configure(ServerSettings settings) => base.Configure(settings) with { AllowCustomExchangeUrls = true };

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        // On the server's clock: the tests move it (for TOTP steps and the sweep's grace), and the exchanges check timestamps.
        // Coinbase counts requests in one-second windows of that clock; while the test holds it still, one window would
        // last the whole test, so its per-second budget is raised here (CoinbaseLimitsAndFaultsTests cover the limit).
        Sandbox = await SandboxHost.StartAsync(new SandboxOptions
        {
            Exchanges = [SandboxExchange.Binance, SandboxExchange.Kraken, SandboxExchange.Coinbase],
            TimeProvider = SandboxClock,
            Coinbase = new() { PrivateRequestsPerSecond = 10_000, PublicRequestsPerSecond = 10_000 },
        });
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Sandbox.DisposeAsync();
        await DisposeAsync();
    }

    internal static SandboxExchange Front(string exchange) =>
        SandboxExchanges.TryParse(exchange, out var front) ? front : throw new ArgumentOutOfRangeException(nameof(exchange));

    internal SandboxKey Issue(string exchange, SandboxPermissions permissions = ReadTrade) => Sandbox.State.Keys.Issue(Front(exchange), permissions);

    /// <summary>Another key of the same exchange account (for Coinbase, of the same CDP organization), as its owner would create it.</summary>
    internal SandboxKey SameAccountKey(SandboxKey of, SandboxPermissions permissions = ReadTrade)
    {
        if (of.Exchange != SandboxExchange.Coinbase)
        {
            return Sandbox.State.Keys.Issue(of.Exchange, permissions, account: of.Account);
        }

        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var organization = of.ApiKey.Split('/')[1];
        return Sandbox.State.Keys.Import(of.Exchange, $"organizations/{organization}/apiKeys/{Guid.NewGuid()}", ec.ExportECPrivateKeyPem() + "\n", permissions, account: of.Account);
    }

    internal object Body(string exchange, string apiKey, string secret, string? label = null) =>
        new { exchange, label, api_key = apiKey, secret, base_url = Sandbox.BaseUrl(Front(exchange)).ToString() };

    /// <summary>A current, unused step-up proof: the authenticator's code of the next 30-second step.</summary>
    internal string StepUp(byte[] seed)
    {
        Clock.NextTotpStep();
        return "totp=" + Code(seed);
    }

    internal async Task<(string Session, byte[] Seed)> TraderWithTotpAsync(string username)
    {
        var session = await SignUpAsync(username);
        var (seed, _) = await EnrolTotpAsync(session);
        return (session, seed);
    }

    internal Task<HttpResponseMessage> ConnectAsync(string session, byte[] seed, string exchange, string apiKey, string secret, string? label = null) =>
        SendAsync(HttpMethod.Post, "/api/v1/connections", Body(exchange, apiKey, secret, label), session, stepUp: StepUp(seed));

    /// <summary>Connects <paramref name="key"/> and returns the connection as the server shows it.</summary>
    internal async Task<JsonElement> ConnectedAsync(string session, byte[] seed, string exchange, SandboxKey key, string? label = null)
    {
        using var created = await ConnectAsync(session, seed, exchange, key.ApiKey, key.Secret, label);
        return await JsonAsync(created, HttpStatusCode.Created);
    }

    internal async Task<T> DbAsync<T>(Func<CofferDb, Task<T>> query)
    {
        await using var db = await Server.Services.GetRequiredService<IDbContextFactory<CofferDb>>().CreateDbContextAsync();
        return await query(db);
    }

    internal Task<int> SecretCountAsync() => DbAsync(db => db.Secrets.CountAsync());

    internal Task<int> LiveCredentialCountAsync() => DbAsync(db => db.Tokens.CountAsync(t => t.Kind == "credential" && t.RevokedAt == null));

    /// <summary>No secret beyond <paramref name="secretsBefore"/>, no connection, no live credential token, nothing journalled.</summary>
    internal async Task AssertNothingStoredAsync(string session, int secretsBefore)
    {
        Assert.Equal(secretsBefore, await SecretCountAsync());
        Assert.Empty((await Server.GetJsonAsync("/api/v1/connections", session)).GetProperty("items").EnumerateArray());
        Assert.Equal(0, await LiveCredentialCountAsync());
        Assert.Equal(0, await DbAsync(db => db.Table<Coffer.Server.Features.Connections.CredentialCleanupRow>().CountAsync()));
    }
}
