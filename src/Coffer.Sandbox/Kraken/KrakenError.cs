namespace Coffer.Sandbox.Kraken;

/// <summary>Kraken's error strings (spot-errors: <c>"&lt;severity&gt;&lt;category&gt;:&lt;description&gt;"</c>, always with HTTP 200).</summary>
internal static class KrakenError
{
    public const string InvalidKey = "EAPI:Invalid key";
    public const string InvalidSignature = "EAPI:Invalid signature";
    public const string InvalidNonce = "EAPI:Invalid nonce";
    public const string RateLimit = "EAPI:Rate limit exceeded";
    public const string TradingRateLimit = "EOrder:Rate limit exceeded";
    public const string TemporaryLockout = "EGeneral:Temporary lockout";
    public const string PermissionDenied = "EGeneral:Permission denied";
    public const string UnknownPair = "EQuery:Unknown asset pair";
    public const string UnknownMethod = "EGeneral:Unknown method";
    public const string InsufficientFunds = "EOrder:Insufficient funds";
    public const string OrderMinimum = "EOrder:Order minimum not met";
    public const string CostMinimum = "EOrder:Cost minimum not met";
    public const string TickSize = "EOrder:Tick size check failed";
    public const string UnknownOrder = "EOrder:Unknown order";
    public const string PostOnly = "EOrder:Post only order";
    public const string Internal = "EGeneral:Internal error";
    public const string Unavailable = "EService:Unavailable";

    public static string InvalidArguments(string parameter) => "EGeneral:Invalid arguments:" + parameter;
}

/// <summary>
/// Thrown only by the Kraken front's readers and handlers and caught only by <see cref="KrakenFront"/>'s endpoint wrapper,
/// so handlers validate in straight lines, one parameter at a time, as Kraken answers with the first error.
/// </summary>
#pragma warning disable CA1064 // Internal by design: never leaves the front.
internal sealed class KrakenRejection(string error) : Exception(error)
#pragma warning restore CA1064
{
    public string Error { get; } = error;
}
