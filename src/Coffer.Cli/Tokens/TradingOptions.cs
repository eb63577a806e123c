using System.CommandLine;
using System.Text.Json.Nodes;

namespace Coffer.Cli.Tokens;

/// <summary>
/// The trading-limit options a token or an app is created with (<c>--max-notional</c>, <c>--exchange</c>,
/// <c>--symbol</c>, <c>--price-band-percent</c>, <c>--daily-volume-cap</c>), their checks, and the <c>trading</c>
/// object they become: one definition for <c>coffer token create</c> and <c>coffer app create</c>.
/// </summary>
internal sealed class TradingOptions
{
    private readonly Option<decimal?> _maxNotional;
    private readonly Option<string[]> _exchanges;
    private readonly Option<string[]> _symbols;
    private readonly Option<decimal?> _priceBand;
    private readonly Option<decimal?> _dailyCap;

    /// <param name="subject">What the limits bind, as help text says it: "the token", "the app's tokens".</param>
    public TradingOptions(string subject)
    {
        _maxNotional = TokenArguments.PositiveDecimal("--max-notional", $"Trading: the largest order value {subject} may place, in your portfolio currency (USD unless set).");
        _exchanges = TokenArguments.Repeatable("--exchange", $"Trading: an exchange {subject} may trade on (repeat for more).", "EXCHANGE");
        _symbols = TokenArguments.Repeatable("--symbol", $"Trading: a symbol {subject} may trade, e.g. BTC/USDT (repeat for more).", "SYMBOL");
        _priceBand = TokenArguments.PositiveDecimal("--price-band-percent", "Trading: how far from the market price (in percent) an order's price may be.");
        _dailyCap = TokenArguments.PositiveDecimal("--daily-volume-cap", $"Trading: the most {subject} (with any children) may trade in 24 hours, in your portfolio currency.");
    }

    public IEnumerable<Option> All => [_maxNotional, _exchanges, _symbols, _priceBand, _dailyCap];

    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
    }

    public void Validate(System.CommandLine.Parsing.CommandResult result)
    {
        foreach (var option in new[] { _exchanges, _symbols })
        {
            if (result.GetValue(option)?.Any(string.IsNullOrWhiteSpace) == true)
            {
                result.AddError($"{option.Name} cannot be empty.");
            }
        }
    }

    /// <summary>The <c>trading</c> object of the request, or null when no limit was given (the parent's, or none, apply).</summary>
    public JsonObject? ToJson(ParseResult parseResult)
    {
        var trading = new JsonObject();
        if (parseResult.GetValue(_exchanges) is { Length: > 0 } exchanges)
        {
            trading["exchanges"] = Array(exchanges);
        }

        if (parseResult.GetValue(_symbols) is { Length: > 0 } symbols)
        {
            trading["symbols"] = Array(symbols);
        }

        if (parseResult.GetValue(_maxNotional) is { } notional)
        {
            trading["max_order_notional"] = notional;
        }

        if (parseResult.GetValue(_priceBand) is { } band)
        {
            trading["price_band_percent"] = band;
        }

        if (parseResult.GetValue(_dailyCap) is { } cap)
        {
            trading["daily_volume_cap"] = cap;
        }

        return trading.Count > 0 ? trading : null;
    }

    private static JsonArray Array(string[] values) => [.. values.Distinct(StringComparer.Ordinal).Select(value => JsonValue.Create(value))];
}
