namespace Coffer.Sandbox.Coinbase;

/// <summary>Advanced Trade's numbers (reference §3.6, UNCONFIRMED); tests lower them to reach the limits.</summary>
internal sealed record CoinbaseOptions
{
    /// <summary>Private endpoints: requests per second per API key.</summary>
    public int PrivateRequestsPerSecond { get; init; } = 30;

    /// <summary>Public endpoints: requests per second per IP.</summary>
    public int PublicRequestsPerSecond { get; init; } = 10;

    /// <summary>How far a JWT's nbf may be ahead of the exchange clock (client clocks drift a little).</summary>
    public int NotBeforeSkewSeconds { get; init; } = 5;

    /// <summary>
    /// The largest page of GET /accounts ("limit": default 49, max 250 — List Accounts reference); tests lower it so a
    /// client's cursor paging is exercised with the sandbox's few currencies.
    /// </summary>
    public int MaxAccountsPerPage { get; init; } = 250;

    /// <summary>Refuse a JWT nonce already used by the key within the JWT's lifetime (see <see cref="CoinbaseReplayGuard"/>).</summary>
    public bool RefuseReplayedJwt { get; init; } = true;
}
