using System.Globalization;
using Coffer.Exchanges.Transport;

namespace Coffer.Exchanges.Binance;

/// <summary>
/// Binance's documented limits as data. Source: binance-spot-api-docs rest-api.md "LIMITS" and enums.md (rate limiters,
/// commit a5e0bc3); SAPI: "/api/ and /sapi/ Limit Introduction". The live values are in exchangeInfo.rateLimits; these
/// are the documented ones, and Coffer spends only <see cref="RateLimitRule.Headroom"/> of them.
/// </summary>
internal static class BinanceRateLimits
{
    public const string RequestWeight = "REQUEST_WEIGHT";
    public const string Orders = "ORDERS";
    public const string RawRequests = "RAW_REQUESTS";
    public const string SapiIpWeight = "SAPI_IP_WEIGHT";

    private const string Source = "binance-spot-api-docs rest-api.md LIMITS, enums.md (a5e0bc3)";

    public static readonly IReadOnlyList<RateLimitRule> Rules =
    [
        // /api limits are per IP: every account behind one Coffer address shares them.
        RateLimitRule.SlidingWindow(RequestWeight, RateLimitScope.Ip, 6000, TimeSpan.FromMinutes(1), Source + ": REQUEST_WEIGHT 6000 / 1 MINUTE"),
        RateLimitRule.SlidingWindow(RawRequests, RateLimitScope.Ip, 61000, TimeSpan.FromMinutes(5), Source + ": RAW_REQUESTS 61000 / 5 MINUTE"),

        // Unfilled-order counts are per account.
        RateLimitRule.SlidingWindow(Orders, RateLimitScope.Account, 10, TimeSpan.FromSeconds(1), Source + ": ORDERS 10 / 1 SECOND"),

        // /sapi endpoints have their own IP limit (12000 / min), reported in X-SAPI-USED-IP-WEIGHT-1M.
        RateLimitRule.SlidingWindow(SapiIpWeight, RateLimitScope.Ip, 12000, TimeSpan.FromMinutes(1), "Binance SAPI '/api/ and /sapi/ Limit Introduction': 12000 / 1 MINUTE per IP"),
    ];

    /// <summary>Endpoint weights from rest-api.md's endpoint table (REQUEST_WEIGHT, per IP).</summary>
    public static RateCost[] Weight(double weight) => [new(RequestWeight, weight), new(RawRequests, 1)];

    /// <summary>Order placement: weight 1 and one unfilled order against the account's ORDERS limit.</summary>
    public static RateCost[] NewOrder() => [new(RequestWeight, 1), new(RawRequests, 1), new(Orders, 1)];

    public static RateCost[] Sapi(double weight) => [new(SapiIpWeight, weight)];

    /// <summary>ticker/24hr: 2 for 1–20 symbols, 40 for 21–100, 80 for more or all (rest-api.md, "24hr ticker price change statistics").</summary>
    public static double Ticker24hWeight(int? symbols) => symbols switch
    {
        null => 80,
        <= 20 => 2,
        <= 100 => 40,
        _ => 80,
    };

    /// <summary>
    /// Feeds Binance's usage headers into the budget: <c>X-MBX-USED-WEIGHT-1M</c> (every /api answer),
    /// <c>X-MBX-ORDER-COUNT-1S</c> (successful orders), <c>X-SAPI-USED-IP-WEIGHT-1M</c>. When another program on the same
    /// address or key spends too, Coffer counts that as well.
    /// </summary>
    public static void Observe(ExchangeResponse response, RequestBudget budget)
    {
        Feed(response, budget, "X-MBX-USED-WEIGHT-1M", RequestWeight);
        Feed(response, budget, "X-MBX-ORDER-COUNT-1S", Orders);
        Feed(response, budget, "X-SAPI-USED-IP-WEIGHT-1M", SapiIpWeight);
    }

    private static void Feed(ExchangeResponse response, RequestBudget budget, string header, string rule)
    {
        if (response.Header(header) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var used))
        {
            budget.Observe(rule, used);
        }
    }
}
