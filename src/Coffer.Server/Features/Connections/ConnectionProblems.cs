namespace Coffer.Server.Problems;

/// <summary>The problem types of exchange connections (DESIGN §5).</summary>
internal sealed partial record ProblemType
{
    public static readonly ProblemType UnknownExchange = new("unknown-exchange", 400, "Coffer has no connector for this exchange.");
    public static readonly ProblemType CustomBaseUrlNotAllowed = new("custom-base-url-not-allowed", 403, "This server does not allow custom exchange URLs.");
    public static readonly ProblemType ExchangeKeyCanWithdraw = new("exchange-key-can-withdraw", 422, "The API key can move funds out of the account.");
    public static readonly ProblemType ExchangeAuthenticationFailed = new("exchange-authentication-failed", 422, "The exchange did not accept the API key and secret.");
    public static readonly ProblemType ExchangePermissionDenied = new("exchange-permission-denied", 422, "The API key lacks a permission Coffer needs.");
    public static readonly ProblemType ExchangeUnavailable = new("exchange-unavailable", 502, "The exchange could not be reached or did not answer.");
    public static readonly ProblemType ExchangeRateLimited = new("exchange-rate-limited", 429, "The exchange's request budget is used up for now.");
    public static readonly ProblemType ExchangeKeyOtherAccount = new("exchange-key-other-account", 422, "The new API key belongs to another exchange account.");
    public static readonly ProblemType ConnectionConflict = new("connection-conflict", 409, "The exchange connection changed while the request was handled.");
    public static readonly ProblemType ConnectionLocked = new("connection-locked", 409, "The exchange connection is locked.");
}
