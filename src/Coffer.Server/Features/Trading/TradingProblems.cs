namespace Coffer.Server.Problems;

/// <summary>The problem types of trading (DESIGN §6). Refusals by a rule or constraint name it in a <c>constraint</c> member.</summary>
internal sealed partial record ProblemType
{
    public static readonly ProblemType IdempotencyKeyRequired = new("idempotency-key-required", 400, "Placing an order needs an Idempotency-Key header.");
    public static readonly ProblemType IdempotencyKeyReused = new("idempotency-key-reused", 422, "The idempotency key was used for a different request.");
    public static readonly ProblemType OrderRuleViolated = new("order-rule-violated", 422, "The order does not meet the market's rules.");
    public static readonly ProblemType OrderConstraintViolated = new("order-constraint-violated", 403, "The order is outside the acting token's trading limits.");
    public static readonly ProblemType UnknownSymbol = new("unknown-symbol", 422, "The exchange has no such market.");
    public static readonly ProblemType ConnectionCannotTrade = new("connection-cannot-trade", 403, "The exchange key of this connection cannot trade.");
    public static readonly ProblemType OrderRejected = new("order-rejected", 422, "The exchange refused the order.");
    public static readonly ProblemType OrderNotCancelable = new("order-not-cancelable", 409, "The order is not open.");
    public static readonly ProblemType MarketPriceUnavailable = new("market-price-unavailable", 503, "No current market price is available to check the order against.");
}
