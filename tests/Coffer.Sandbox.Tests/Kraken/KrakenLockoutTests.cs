using Coffer.Sandbox.Kraken;
using Coffer.Sandbox.Tests.Support;
using static Coffer.Sandbox.Tests.Support.KrakenTestClient;

namespace Coffer.Sandbox.Tests.Kraken;

/// <summary>
/// Kraken's temporary lockout (spot-errors, spot-rest-ratelimits): invalid keys, signatures and nonces, and calls made
/// while the key's counter is still full after a refusal, are strikes; five lock the key out for five minutes.
/// </summary>
public sealed class KrakenLockoutTests
{
    private static readonly string[] ReadTrade = ["read", "trade"];

    /// <summary>An Intermediate-tier account (REST counter 20, −0.5/s), the numbers these tests count with.</summary>
    private static Task<SandboxRun> StartAsync() => SandboxRun.StartAsync(o => o with { Kraken = KrakenOptions.Intermediate }, exchange: SandboxExchange.Kraken);

    [Fact]
    public async Task CallingWhileRateLimited_FiveMoreTimes_LocksTheKeyOut_UntilTheLockoutEnds()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, _) = await run.Kraken.IssueKeyAsync(ReadTrade);
        var (otherKey, otherSecret, _) = await run.Kraken.IssueKeyAsync(ReadTrade);

        var errors = new List<string[]>();
        for (var i = 0; i < 27; i++)
        {
            errors.Add(Errors((await run.Kraken.PrivateAsync("Balance", apiKey, secret)).Body));
        }

        // The counter has long made room, but the lockout holds; another key is not affected.
        run.Clock.Advance(TimeSpan.FromMinutes(1));
        var (_, stillLocked) = await run.Kraken.PrivateAsync("Balance", apiKey, secret);
        var (_, other) = await run.Kraken.PrivateAsync("Balance", otherKey, otherSecret);
        run.Clock.Advance(TimeSpan.FromMinutes(4));
        var (_, afterLockout) = await run.Kraken.PrivateAsync("Balance", apiKey, secret);

        Assert.All(errors.Take(20), Assert.Empty);
        // The 21st is the limit reached; the five after it are calls made while it is active.
        Assert.All(errors.Skip(20).Take(6), e => Assert.Equal(["EAPI:Rate limit exceeded"], e));
        Assert.Equal(["EGeneral:Temporary lockout"], errors[26]);
        Assert.Equal(["EGeneral:Temporary lockout"], Errors(stillLocked));
        Assert.Empty(Errors(other));
        Assert.Empty(Errors(afterLockout));
    }

    [Fact]
    public async Task WaitingForTheCounterAfterEachRefusal_NeverLocksOut()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, _) = await run.Kraken.IssueKeyAsync(ReadTrade);
        await run.Kraken.ControlAsync("/sandbox/faults", new { rate_limit = new { every = 1 } });

        // Ten refusals in a row, each call made once the counter (filled by the refusal) has room again: 2 s at −0.5/s.
        var errors = new List<string[]>();
        for (var i = 0; i < 10; i++)
        {
            errors.Add(Errors((await run.Kraken.PrivateAsync("Balance", apiKey, secret)).Body));
            run.Clock.Advance(TimeSpan.FromSeconds(2));
        }

        await ClearFaultsAsync(run);

        var (_, served) = await run.Kraken.PrivateAsync("Balance", apiKey, secret);

        Assert.All(errors, e => Assert.Equal(["EAPI:Rate limit exceeded"], e));
        Assert.Empty(Errors(served));
    }

    [Fact]
    public async Task FaultRefusalsInsideTheRestriction_AreStrikesToo()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, _) = await run.Kraken.IssueKeyAsync(ReadTrade);
        await run.Kraken.ControlAsync("/sandbox/faults", new { rate_limit = new { every = 1 } });

        // One second apart: the counter filled by each refusal has made room for half a call only.
        for (var i = 0; i < 6; i++)
        {
            await run.Kraken.PrivateAsync("Balance", apiKey, secret);
            run.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        await ClearFaultsAsync(run);

        run.Clock.Advance(TimeSpan.FromSeconds(60));
        var (_, locked) = await run.Kraken.PrivateAsync("Balance", apiKey, secret);

        Assert.Equal(["EGeneral:Temporary lockout"], Errors(locked));
    }

    [Fact]
    public async Task InvalidNonces_FiveInARow_LockOut_ButAServedCallForgivesEarlierOnes()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, _) = await run.Kraken.IssueKeyAsync(ReadTrade);
        var (hammered, hammeredSecret, _) = await run.Kraken.IssueKeyAsync(ReadTrade);
        Assert.Empty(Errors((await run.Kraken.PrivateAsync("Balance", apiKey, secret, nonce: 1_000)).Body));
        Assert.Empty(Errors((await run.Kraken.PrivateAsync("Balance", hammered, hammeredSecret, nonce: 1_000)).Body));

        var forgiven = new List<string[]>();
        for (var i = 0; i < 4; i++)
        {
            forgiven.Add(Errors((await run.Kraken.PrivateAsync("Balance", apiKey, secret, nonce: 999)).Body));
        }

        var (_, served) = await run.Kraken.PrivateAsync("Balance", apiKey, secret, nonce: 2_000);
        var (_, afterServed) = await run.Kraken.PrivateAsync("Balance", apiKey, secret, nonce: 999);

        var refused = new List<string[]>();
        for (var i = 0; i < 5; i++)
        {
            refused.Add(Errors((await run.Kraken.PrivateAsync("Balance", hammered, hammeredSecret, nonce: 999)).Body));
        }

        var (_, locked) = await run.Kraken.PrivateAsync("Balance", hammered, hammeredSecret, nonce: 5_000);

        Assert.All(forgiven, e => Assert.Equal(["EAPI:Invalid nonce"], e));
        Assert.Empty(Errors(served));
        Assert.Equal(["EAPI:Invalid nonce"], Errors(afterServed));
        Assert.All(refused, e => Assert.Equal(["EAPI:Invalid nonce"], e));
        Assert.Equal(["EGeneral:Temporary lockout"], Errors(locked));
    }

    [Fact]
    public async Task InvalidSignatures_LockOutTheKey_AndTheLockoutIsInTheRequestLog()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, _) = await run.Kraken.IssueKeyAsync(ReadTrade);
        var wrong = Convert.ToBase64String(new byte[64]);

        for (var i = 0; i < 5; i++)
        {
            await run.Kraken.PrivateAsync("Balance", apiKey, wrong);
        }

        var (_, rightSecret) = await run.Kraken.PrivateAsync("Balance", apiKey, secret);

        Assert.Equal(["EGeneral:Temporary lockout"], Errors(rightSecret));
        var outcomes = (await run.Kraken.GetAsync("/sandbox/requests")).Body.EnumerateArray().Select(r => r.GetProperty("outcome").GetString()).ToList();
        Assert.Equal([.. Enumerable.Repeat("EAPI:Invalid signature", 5), "EGeneral:Temporary lockout"], outcomes);
    }

    private static async Task ClearFaultsAsync(SandboxRun run)
    {
        using var clear = await run.Kraken.Http.DeleteAsync(new Uri("/sandbox/faults", UriKind.Relative));
        clear.EnsureSuccessStatusCode();
    }
}
