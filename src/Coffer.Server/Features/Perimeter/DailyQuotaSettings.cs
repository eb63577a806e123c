namespace Coffer.Server.Features.Perimeter;

/// <summary>
/// Requests per token and UTC day, by the token's tier (the tiers of <see cref="RateLimitSettings"/>; DESIGN §7: "quotas
/// per day"). The rate limits smooth bursts; the quota caps what one token can draw from the server in a day, so a
/// runaway bot is stopped on every node at once.
/// </summary>
/// <param name="Enabled">Off (COFFER_DAILY_QUOTAS=0) only for a server that nobody but its owner uses.</param>
/// <param name="Interactive">Per day for a user's own root and browser sessions (COFFER_DAILY_QUOTA_INTERACTIVE).</param>
/// <param name="Api">Per day for personal API tokens, OAuth grants and the other kinds (COFFER_DAILY_QUOTA_API).</param>
/// <param name="LeaseSize">
/// How many requests a node takes from the shared counter at once (COFFER_DAILY_QUOTA_LEASE): one database write per
/// this many requests of a token. Leases are disjoint ranges of the counter, so the nodes together never let more than
/// the quota through; a token may be refused up to (nodes − 1) × (lease − 1) requests early while other nodes still hold
/// unused parts of their leases, and a node that stops loses what it held, until the day ends. 1 makes every request
/// exact, at a write each: that costs a request 1.6× on PostgreSQL and 5.9× on SQLite (bench QuotaOverheadBenchmark),
/// which the default lease of 64 spreads to almost nothing.
/// </param>
internal sealed record DailyQuotaSettings(bool Enabled = true, int Interactive = 100_000, int Api = 20_000, int LeaseSize = 64)
{
    /// <summary>The window the quota counts in, as the RateLimit-Policy field gives it (<c>w</c>, seconds).</summary>
    public const int WindowSeconds = 86_400;

    public int QuotaFor(string tier) => tier == RateLimits.InteractiveTier ? Interactive : Api;
}
