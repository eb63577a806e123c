namespace Coffer.Exchanges.Kraken;

/// <summary>
/// Kraken's error strings onto Coffer's error kinds. Kraken answers HTTP 200 with <c>error: ["&lt;severity&gt;&lt;category&gt;:&lt;text&gt;"]</c>
/// (https://docs.kraken.com/api/docs/guides/spot-errors); some carry a suffix (<c>EService:Throttled: 1700000000</c>,
/// <c>EGeneral:Invalid arguments:volume</c>), so they match by prefix.
/// </summary>
internal static class KrakenErrors
{
    public const string InvalidNonce = "EAPI:Invalid nonce";

    private static readonly (string Prefix, ExchangeErrorKind Kind, bool Transient)[] Map =
    [
        ("EAPI:Invalid signature", ExchangeErrorKind.Authentication, false),
        ("EAPI:Invalid key", ExchangeErrorKind.Authentication, false),
        ("EAPI:Bad request", ExchangeErrorKind.BadRequest, false),
        (InvalidNonce, ExchangeErrorKind.Nonce, false),

        // Repeated invalid keys lock the key out for a while: waiting lifts the lockout, but the credentials are what
        // is wrong, and retrying in a loop extends it. Not transient, so nothing retries automatically.
        ("EGeneral:Temporary lockout", ExchangeErrorKind.Authentication, false),
        ("EGeneral:Permission denied", ExchangeErrorKind.Permission, false),
        ("EAccount:Invalid permissions", ExchangeErrorKind.Permission, false),
        ("EAPI:Rate limit exceeded", ExchangeErrorKind.RateLimited, true),
        ("EOrder:Rate limit exceeded", ExchangeErrorKind.RateLimited, true),
        ("EService:Throttled", ExchangeErrorKind.RateLimited, true),

        // Public endpoints are limited per IP and answer this rather than EAPI:Rate limit exceeded.
        ("EGeneral:Too many requests", ExchangeErrorKind.RateLimited, true),
        ("EOrder:Insufficient funds", ExchangeErrorKind.InsufficientFunds, false),
        ("EOrder:Insufficient margin", ExchangeErrorKind.InsufficientFunds, false),
        ("EOrder:Order minimum not met", ExchangeErrorKind.InvalidOrder, false),
        ("EOrder:Cost minimum not met", ExchangeErrorKind.InvalidOrder, false),
        ("EOrder:Tick size check failed", ExchangeErrorKind.InvalidOrder, false),
        ("EOrder:Orders limit exceeded", ExchangeErrorKind.InvalidOrder, false),
        ("EOrder:Invalid order", ExchangeErrorKind.InvalidOrder, false),
        ("EOrder:Invalid price", ExchangeErrorKind.InvalidOrder, false),
        ("EOrder:Unknown order", ExchangeErrorKind.NotFound, false),
        ("EQuery:Unknown asset pair", ExchangeErrorKind.InvalidOrder, false),
        ("EQuery:Invalid asset pair", ExchangeErrorKind.InvalidOrder, false),
        ("EGeneral:Invalid arguments", ExchangeErrorKind.BadRequest, false),
        ("EService:Unavailable", ExchangeErrorKind.ExchangeUnavailable, true),
        ("EService:Busy", ExchangeErrorKind.ExchangeUnavailable, true),
        ("EService:Market in cancel_only mode", ExchangeErrorKind.ExchangeUnavailable, true),
        ("EService:Market in post_only mode", ExchangeErrorKind.InvalidOrder, false),
        ("EGeneral:Internal error", ExchangeErrorKind.ExchangeUnavailable, true),
        ("EDatabase:Internal error", ExchangeErrorKind.ExchangeUnavailable, true),
    ];

    /// <summary>The kind and transient flag of one Kraken error string; unknown strings are bad requests, not retried.</summary>
    public static (ExchangeErrorKind Kind, bool Transient) Classify(string error)
    {
        foreach (var (prefix, kind, transient) in Map)
        {
            if (error.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return (kind, transient);
            }
        }

        return (ExchangeErrorKind.BadRequest, false);
    }

    /// <summary>Whether one of Kraken's answers (HTTP 200 as always) refuses the request for rate: Kraken's 429.</summary>
    public static bool IsRateLimit(string body)
    {
        // Cheap test first: almost every answer is a result, and these words appear in no result Kraken sends.
        if (!body.Contains("limit exceeded", StringComparison.OrdinalIgnoreCase) && !body.Contains("Throttled", StringComparison.OrdinalIgnoreCase) && !body.Contains("Too many requests", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(body)?["error"] is System.Text.Json.Nodes.JsonArray { Count: > 0 } errors
                && KrakenParsing.Text(errors[0]) is { } first
                && Classify(first).Kind == ExchangeErrorKind.RateLimited;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>The exception for Kraken's error string. The message names Kraken's own text (never request data or keys).</summary>
    public static ExchangeException ToException(string error, TimeSpan? retryAfter = null)
    {
        var (kind, transient) = Classify(error);
        var message = kind switch
        {
            ExchangeErrorKind.Authentication => $"Kraken did not accept the API key ({error}). Check the key and secret, or wait out a lockout.",
            ExchangeErrorKind.Permission => $"The Kraken API key lacks a permission this call needs ({error}).",
            ExchangeErrorKind.RateLimited => $"Kraken asked Coffer to slow down ({error}).",
            ExchangeErrorKind.ExchangeUnavailable => $"Kraken is unavailable ({error}).",
            _ => $"Kraken refused the request: {error}",
        };
        return new ExchangeException("kraken", kind, message, error, transient, retryAfter);
    }
}
