namespace Coffer.Sandbox.Control;

// Control API bodies, snake_case on the wire (see ControlEndpoints.Json).
internal sealed record IssueKeyRequest(string? Exchange, IReadOnlyList<string>? Permissions, IReadOnlyList<string>? IpAllowlist, string? Account);

internal sealed record IssuedKey(string Exchange, string ApiKey, string Secret, string Account, IReadOnlyList<string> Permissions);

internal sealed record DepositRequest(string? Asset, decimal? Amount);

internal sealed record PriceRequest(string? Symbol, decimal? Price);

internal sealed record StepRequest(int? Count);

internal sealed record FaultRuleBody(int? Every, double? Probability);

internal sealed record FaultPlanBody(
    int? LatencyMs,
    FaultRuleBody? RateLimit,
    int? RateLimitRetryAfterSeconds,
    FaultRuleBody? ServerError,
    int? ServerErrorStatus,
    FaultRuleBody? Timeout,
    int? TimeoutMs,
    double? ClockSkewSeconds);

internal sealed record BalanceBody(string Asset, string Free, string Locked);

internal sealed record FillBody(
    long Id, long OrderId, string Account, string Symbol, string Side, string Price, string Quantity, string QuoteQuantity,
    string Fee, string FeeAsset, bool Maker, DateTimeOffset Time);

internal sealed record PriceBody(string Symbol, string Last, string Bid, string Ask);
