using System.Net;
using Coffer.Server.Features.Identity;
using Coffer.Server.Hosting;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Identity;

/// <summary>
/// The brute-force acceptance test: 10,000 wrong passwords against one account, half from one address and half spread
/// over 100 client addresses forwarded by a trusted proxy (this test client, on 127.0.0.1), yield no sign-in; the
/// lockout holds; the real user gets in by the documented path (once the lockout period is over, from their own
/// address). Bounded in time because the per-IP throttle and the lockout turn almost every attempt into a cheap
/// refusal: a locked account is refused before any password is hashed.
/// </summary>
public sealed class BruteForceTests : IdentityTest
{
    private const int Attempts = 10_000;

    internal override ServerSettings Configure(ServerSettings settings) =>
        settings with { SignInAttemptsPerMinute = 10, TrustedProxies = [System.Net.IPNetwork.Parse("127.0.0.1/32")] };

    [Fact]
    public async Task SignIn_TenThousandWrongPasswordsFromOneAndHundredForwardedAddresses_NoneSucceedsLockoutHoldsUserGetsIn()
    {
        await SignUpAsync("victim");
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, int>();
        var tokens = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, Attempts), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            // Even attempts come straight from this address; odd ones through the proxy from 100 client addresses.
            var forwarded = i % 2 == 0 ? null : $"198.51.100.{(i / 2) % 100}";
            using var response = await SignInAsync("victim", $"guess number {i:D5} of many", forwardedFor: forwarded);
            statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode || text.Contains("cof_", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref tokens);
            }
        });

        Assert.Equal(0, tokens);
        Assert.Equal(Attempts, statuses.Values.Sum());
        Assert.All(statuses.Keys, s => Assert.Contains(s, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));

        // Only the first window's failures were counted: the rest were refused before any hash was computed.
        Assert.InRange(statuses.GetValueOrDefault(HttpStatusCode.Unauthorized), LockoutPolicy.FailuresPerLockout, LockoutPolicy.FailuresPerLockout);

        // The lockout holds, for the right password too, from an address the attacker never used.
        using (var locked = await SignInAsync("victim", forwardedFor: "203.0.113.50"))
        {
            await ProblemAssert.AssertAsync(locked, HttpStatusCode.TooManyRequests, "account-locked");
        }

        // The per-IP throttle answers 429 with Retry-After, never 503.
        using (var throttled = await SignInAsync("victim", forwardedFor: "198.51.100.7"))
        {
            await ProblemAssert.AssertAsync(throttled, HttpStatusCode.TooManyRequests, "rate-limited");
            Assert.True(int.Parse(throttled.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        }

        // The documented path: after the lockout period the real user signs in from their own address.
        Clock.Advance(LockoutPolicy.FirstLockout + TimeSpan.FromSeconds(1));
        using var ok = await SignInAsync("victim", forwardedFor: "203.0.113.50");
        await JsonAsync(ok);
    }
}

/// <summary>A server that trusts no proxy: a client cannot escape the per-IP throttle by inventing X-Forwarded-For.</summary>
public sealed class UntrustedForwardedForTests : IdentityTest
{
    internal override ServerSettings Configure(ServerSettings settings) => settings with { SignInAttemptsPerMinute = 3 };

    [Fact]
    public async Task Throttle_ForwardedForFromAnUntrustedPeer_IsIgnored()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await SignInAsync("someone", "some long password here", forwardedFor: $"198.51.100.{i}");
            statuses.Add(response.StatusCode);
        }

        // Setting the admin's password took one of the three; two sign-ins pass, then every one is throttled.
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }
}
