using Coffer.Sandbox.Engine;
using static Coffer.Sandbox.Coinbase.CoinbaseJson;

namespace Coffer.Sandbox.Coinbase;

/// <summary>The order and fill objects of List Orders / Get Order / List Fills (Advanced Trade REST reference).</summary>
internal static class CoinbaseOrderJson
{
    public static string Status(Order o) => o.Status switch
    {
        OrderStatus.New or OrderStatus.PartiallyFilled => "OPEN",
        OrderStatus.Filled => "FILLED",
        OrderStatus.Canceled => "CANCELLED",
        OrderStatus.Expired => "EXPIRED",
        OrderStatus.Rejected => "FAILED",
        _ => "UNKNOWN_ORDER_STATUS",
    };

    public static Dictionary<string, object?> Order(Order o, string portfolio)
    {
        var stop = o.Type.IsStop();
        var size = o.Quantity ?? o.Filled;
        var completion = o.Quantity is { } q && q > 0 ? o.Filled / q * 100m
            : o.QuoteQuantity is { } quote && quote > 0 ? o.FilledQuote / quote * 100m
            : 0m;
        return new Dictionary<string, object?>
        {
            ["order_id"] = CoinbaseIds.OrderId(o.Id),
            ["product_id"] = CoinbaseIds.ProductId(o.Market),
            ["user_id"] = CoinbaseIds.Named("user", o.Account),
            ["order_configuration"] = CoinbaseOrderConfig.Echo(o),
            ["side"] = o.Side == OrderSide.Buy ? "BUY" : "SELL",
            ["client_order_id"] = o.ClientOrderId,
            ["status"] = Status(o),
            ["time_in_force"] = o.TimeInForce switch
            {
                TimeInForce.Ioc => "IMMEDIATE_OR_CANCEL",
                TimeInForce.Fok => "FILL_OR_KILL",
                _ => "GOOD_UNTIL_CANCELLED",
            },
            ["created_time"] = Time(o.CreatedAt),
            ["completion_percentage"] = Dec(Math.Round(completion, 2)),
            ["filled_size"] = Dec(o.Filled),
            ["average_filled_price"] = Dec(o.Filled > 0 ? Math.Round(o.FilledQuote / o.Filled, 10) : 0m),
            ["fee"] = "",
            ["number_of_fills"] = "0",
            ["filled_value"] = Dec(o.FilledQuote),
            ["pending_cancel"] = false,
            ["size_in_quote"] = o.QuoteQuantity is not null,
            ["total_fees"] = Dec(o.Fees),
            // Fees are in the quote (the front places with FeeInQuote): a sell receives its value less them, a buy pays its
            // value plus them, and a quote_size buy's size includes them.
            ["size_inclusive_of_fees"] = o.QuoteQuantity is not null && o.Side == OrderSide.Buy,
            ["total_value_after_fees"] = Dec(o.Side == OrderSide.Sell ? o.FilledQuote - o.Fees : o.FilledQuote + o.Fees),
            ["trigger_status"] = !stop ? "INVALID_ORDER_TYPE" : o.IsWorking ? "STOP_TRIGGERED" : "STOP_PENDING",
            ["order_type"] = o.Type switch
            {
                OrderType.Market => "MARKET",
                OrderType.Limit or OrderType.LimitMaker => "LIMIT",
                _ => "STOP_LIMIT",
            },
            ["reject_reason"] = "REJECT_REASON_UNSPECIFIED",
            ["settled"] = !o.Status.IsOpen(),
            ["product_type"] = "SPOT",
            ["reject_message"] = "",
            ["cancel_message"] = o.Status == OrderStatus.Canceled ? "User requested cancel" : "",
            ["order_placement_source"] = "RETAIL_ADVANCED",
            ["outstanding_hold_amount"] = Dec(o.Locked),
            ["is_liquidation"] = false,
            ["last_fill_time"] = o.Filled > 0 ? Time(o.UpdatedAt) : null,
            ["edit_history"] = Array.Empty<object>(),
            ["leverage"] = "",
            ["margin_type"] = "UNKNOWN_MARGIN_TYPE",
            ["retail_portfolio_id"] = portfolio,
            ["base_size"] = Dec(size),
        };
    }

    /// <summary>A fill; <c>commission</c> is in the quote currency, as Coinbase charges spot fees.</summary>
    public static object Fill(Fill f, Market market, string portfolio) => new
    {
        entry_id = CoinbaseIds.Named("entry", f.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        trade_id = CoinbaseIds.TradeId(f.Id),
        order_id = CoinbaseIds.OrderId(f.OrderId),
        trade_time = Time(f.Time),
        trade_type = "FILL",
        price = Dec(f.Price),
        size = Dec(f.Quantity),
        commission = Dec(f.Fee),
        product_id = CoinbaseIds.ProductId(market),
        sequence_timestamp = Time(f.Time),
        liquidity_indicator = f.IsMaker ? "MAKER" : "TAKER",
        size_in_quote = false,
        user_id = CoinbaseIds.Named("user", f.Account),
        side = f.Side == OrderSide.Buy ? "BUY" : "SELL",
        retail_portfolio_id = portfolio,
    };
}
