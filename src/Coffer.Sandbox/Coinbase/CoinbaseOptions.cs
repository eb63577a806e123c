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

    /// <summary>Refuse a JWT nonce already used by the key within the JWT's lifetime (see <see cref="CoinbaseReplayGuard"/>).</summary>
    public bool RefuseReplayedJwt { get; init; } = true;

}
