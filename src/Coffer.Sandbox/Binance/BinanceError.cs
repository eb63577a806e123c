using System.Text.Json;

namespace Coffer.Sandbox.Binance;

/// <summary>A Binance error body <c>{"code":…,"msg":…}</c> (errors.md) with its HTTP status.</summary>
internal sealed record BinanceError(int Status, int Code, string Message)
{
    public static BinanceError BadKeyFormat { get; } = new(401, -2014, "API-key format invalid.");

    public static BinanceError RejectedKey { get; } = new(401, -2015, "Invalid API-key, IP, or permissions for action.");

    public static BinanceError InvalidSignature { get; } = new(400, -1022, "Signature for this request is not valid.");

    public static BinanceError OutsideRecvWindow { get; } = new(400, -1021, "Timestamp for this request is outside of the recvWindow.");

    public static BinanceError AheadOfServer { get; } = new(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.");

    public static BinanceError BadRecvWindow { get; } = new(400, -1131, "recvWindow must be less than 60000");

    public static BinanceError InvalidSymbol { get; } = new(400, -1121, "Invalid symbol.");

    public static BinanceError NoSuchOrder { get; } = new(400, -2013, "Order does not exist.");

    public static BinanceError UnknownOrderSent { get; } = new(400, -2011, "Unknown order sent.");

    public static BinanceError InsufficientBalance { get; } = new(400, -2010, "Account has insufficient balance for requested action.");

    public static BinanceError Mandatory(string parameter) =>
        new(400, -1102, $"Mandatory parameter '{parameter}' was not sent, was empty/null, or malformed.");

    public static BinanceError NotRequired(string parameter) => new(400, -1106, $"Parameter '{parameter}' sent when not required.");

    public static BinanceError Illegal(string parameter, string legalRange) =>
        new(400, -1100, $"Illegal characters found in parameter '{parameter}'; legal range is '{legalRange}'.");

    public static BinanceError Filter(string filter) => new(400, -1013, $"Filter failure: {filter}");

    public static BinanceError Rejected(string message) => new(400, -2010, message);

    public IResult ToResult() => new BinanceErrorResult(this);

    private sealed class BinanceErrorResult(BinanceError error) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            // A fault's outcome (e.g. "fault:429") stays: the log says why the request was refused.
            Control.RequestOutcome.Set(httpContext, Control.RequestOutcome.Get(httpContext) ?? error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
            httpContext.Response.StatusCode = error.Status;
            httpContext.Response.ContentType = "application/json;charset=UTF-8";
            await JsonSerializer.SerializeAsync(httpContext.Response.Body, new { code = error.Code, msg = error.Message }, BinanceJson.Options);
        }
    }
}

/// <summary>
/// Thrown only by the Binance front's parameter readers and caught only by <see cref="BinanceFront"/>'s endpoint wrapper,
/// so a handler reads its parameters in straight lines the way Binance validates them, one at a time.
/// </summary>
#pragma warning disable CA1064 // Internal by design: never leaves the front.
internal sealed class BinanceRejection(BinanceError error) : Exception(error.Message)
#pragma warning restore CA1064
{
    public BinanceError Error { get; } = error;
}
