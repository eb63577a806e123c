namespace Coffer.Exchanges.Model;

/// <summary>One currency's balance: free to trade, used (held by open orders), total.</summary>
internal sealed record Balance(string Currency, decimal? Free, decimal? Used, decimal? Total);

/// <summary>An account's balances by unified currency code.</summary>
internal sealed record Balances(IReadOnlyDictionary<string, Balance> ByCurrency, DateTimeOffset? Timestamp = null);

internal sealed record Ticker
{
    public required string Symbol { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public decimal? Bid { get; init; }

    public decimal? Ask { get; init; }

    public decimal? Last { get; init; }

    public decimal? Open { get; init; }

    public decimal? High { get; init; }

    public decimal? Low { get; init; }

    /// <summary>Traded volume over 24 hours in the base currency.</summary>
    public decimal? BaseVolume { get; init; }

    /// <summary>Traded volume over 24 hours in the quote currency.</summary>
    public decimal? QuoteVolume { get; init; }
}

/// <summary>
/// What an API key may do, as the exchange's own permission endpoint reports it. Coffer refuses keys that can move
/// funds out (<see cref="CanWithdraw"/> or <see cref="CanTransfer"/>).
/// </summary>
internal sealed record KeyPermissions
{
    public required bool CanRead { get; init; }

    public required bool CanTrade { get; init; }

    public required bool CanWithdraw { get; init; }

    /// <summary>Internal or universal transfers between accounts or to other users (Binance internal transfer, Coinbase can_transfer).</summary>
    public required bool CanTransfer { get; init; }

    /// <summary>Whether the exchange restricts the key to listed IP addresses; null when the exchange does not say.</summary>
    public bool? IpRestricted { get; init; }

    public IReadOnlyList<string> IpAllowlist { get; init; } = [];

    /// <summary>The exchange's own permission names, as reported, for display.</summary>
    public IReadOnlyList<string> Reported { get; init; } = [];

    public bool CanMoveFunds => CanWithdraw || CanTransfer;
}
