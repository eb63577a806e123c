namespace Coffer.Exchanges;

/// <summary>Every exchange failure, mapped from each exchange's own codes onto one small set (DESIGN §5).</summary>
internal enum ExchangeErrorKind
{
    /// <summary>Wrong or unknown API key, bad signature, expired JWT: the credentials are not accepted.</summary>
    Authentication,

    /// <summary>The key is valid but lacks the permission for this call (or the calling IP is not allowed).</summary>
    Permission,

    /// <summary>The order breaks a market rule (size, tick, minimum notional, unknown symbol, unsupported type).</summary>
    InvalidOrder,
    InsufficientFunds,

    /// <summary>The exchange asked us to slow down (429, or its own rate-limit error).</summary>
    RateLimited,

    /// <summary>The request's timestamp was outside the exchange's window: the clock offset needs refreshing.</summary>
    Timestamp,

    /// <summary>Kraken: the nonce was not larger than the last one seen for this key.</summary>
    Nonce,
    NotFound,

    /// <summary>5xx, maintenance, a timeout or a broken connection: the exchange could not answer.</summary>
    ExchangeUnavailable,

    /// <summary>Any other refusal of a malformed request.</summary>
    BadRequest,
}

/// <summary>A failed exchange call: its kind, whether trying again later can help, and the exchange's own code.</summary>
internal sealed class ExchangeException : Exception
{
    public ExchangeException(string exchange, ExchangeErrorKind kind, string message, string? exchangeCode = null, bool? transient = null, TimeSpan? retryAfter = null, Exception? inner = null)
        : base(message, inner)
    {
        Exchange = exchange;
        Kind = kind;
        ExchangeCode = exchangeCode;
        IsTransient = transient ?? kind is ExchangeErrorKind.RateLimited or ExchangeErrorKind.ExchangeUnavailable or ExchangeErrorKind.Timestamp;
        RetryAfter = retryAfter;
    }

    public ExchangeException()
        : this("unknown", ExchangeErrorKind.BadRequest, "Exchange call failed.")
    {
    }

    public ExchangeException(string message)
        : this("unknown", ExchangeErrorKind.BadRequest, message)
    {
    }

    public ExchangeException(string message, Exception innerException)
        : this("unknown", ExchangeErrorKind.BadRequest, message, inner: innerException)
    {
    }

    public string Exchange { get; }

    public ExchangeErrorKind Kind { get; }

    /// <summary>The exchange's code or error string (Binance -2015, Kraken "EAPI:Invalid key"), for diagnostics.</summary>
    public string? ExchangeCode { get; }

    /// <summary>True when the same request may succeed later unchanged.</summary>
    public bool IsTransient { get; }

    public TimeSpan? RetryAfter { get; }
}
