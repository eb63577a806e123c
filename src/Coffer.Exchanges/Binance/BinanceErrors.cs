using System.Globalization;
using System.Text.Json;
using Coffer.Exchanges.Transport;

namespace Coffer.Exchanges.Binance;

/// <summary>
/// Binance's error answers onto Coffer's error kinds. Codes from binance-spot-api-docs errors.md (a5e0bc3); HTTP
/// statuses from rest-api.md "HTTP Return Codes". The body is <c>{"code": -1121, "msg": "Invalid symbol."}</c>; the
/// message is Binance's own and carries no request data, so it is safe to pass on.
/// </summary>
internal static class BinanceErrors
{
    public const string Exchange = "binance";

    /// <summary>-2013 NO_SUCH_ORDER.</summary>
    public const int NoSuchOrder = -2013;

    /// <summary>-1021 INVALID_TIMESTAMP.</summary>
    public const int InvalidTimestamp = -1021;

    /// <summary>Throws the mapped <see cref="ExchangeException"/> unless the answer is a success.</summary>
    public static void ThrowIfError(ExchangeResponse response)
    {
        if (response.StatusCode is >= 200 and < 300 && !LooksLikeError(response.Body))
        {
            return;
        }

        throw Map(response);
    }

    public static ExchangeException Map(ExchangeResponse response)
    {
        var (code, msg) = Parse(response.Body);
        var status = response.StatusCode;
        if (code is { } c)
        {
            return MapCode(c, msg ?? string.Empty, status);
        }

        // rest-api.md "HTTP Return Codes": 403 WAF limit violated; 5XX: the request's outcome is UNKNOWN (it may have
        // been executed), so it is transient and orders must be reconciled by client order id, never assumed failed.
        return status switch
        {
            403 => new ExchangeException(Exchange, ExchangeErrorKind.Permission, "Binance's web application firewall refused the request (HTTP 403).", "403", transient: false),
            429 or 418 => new ExchangeException(Exchange, ExchangeErrorKind.RateLimited, $"Binance asked Coffer to slow down (HTTP {status}).", status.ToString(CultureInfo.InvariantCulture), transient: true),
            >= 500 => new ExchangeException(Exchange, ExchangeErrorKind.ExchangeUnavailable, $"Binance answered HTTP {status}; the outcome of the request is unknown (an order may have been placed).", status.ToString(CultureInfo.InvariantCulture), transient: true),
            _ => new ExchangeException(Exchange, ExchangeErrorKind.BadRequest, $"Binance refused the request (HTTP {status}).", status.ToString(CultureInfo.InvariantCulture), transient: false),
        };
    }

    public static ExchangeException MapCode(int code, string msg, int status)
    {
        var text = code.ToString(CultureInfo.InvariantCulture);
        var (kind, transient) = code switch
        {
            -1021 => (ExchangeErrorKind.Timestamp, true),
            -1022 => (ExchangeErrorKind.Authentication, false),
            -2014 => (ExchangeErrorKind.Authentication, false),

            // "Invalid API-key, IP, or permissions for action": Binance does not say which; the key is not accepted for it.
            -2015 => (ExchangeErrorKind.Authentication, false),
            -1002 => (ExchangeErrorKind.Permission, false),
            -1003 => (ExchangeErrorKind.RateLimited, true),
            -1015 => (ExchangeErrorKind.RateLimited, true),
            -1013 => (ExchangeErrorKind.InvalidOrder, false),
            -1121 => (ExchangeErrorKind.InvalidOrder, false),
            -2010 when msg.Contains("insufficient balance", StringComparison.OrdinalIgnoreCase) => (ExchangeErrorKind.InsufficientFunds, false),
            -2010 => (ExchangeErrorKind.InvalidOrder, false),
            -2011 when msg.Contains("Unknown order", StringComparison.OrdinalIgnoreCase) => (ExchangeErrorKind.NotFound, false),
            -2011 => (ExchangeErrorKind.InvalidOrder, false),
            -2013 => (ExchangeErrorKind.NotFound, false),

            // -1000 UNKNOWN, -1001 DISCONNECTED, -1006 UNEXPECTED_RESP, -1007 TIMEOUT, -1008 server busy: outcome unknown.
            -1000 or -1001 or -1006 or -1007 or -1008 => (ExchangeErrorKind.ExchangeUnavailable, true),
            _ when status >= 500 => (ExchangeErrorKind.ExchangeUnavailable, true),
            _ when status is 429 or 418 => (ExchangeErrorKind.RateLimited, true),
            _ => (ExchangeErrorKind.BadRequest, false),
        };

        var message = string.IsNullOrWhiteSpace(msg) ? $"Binance refused the request ({text})." : $"Binance refused the request ({text}): {Trim(msg)}";
        return new ExchangeException(Exchange, kind, message, text, transient);
    }

    /// <summary>Binance answers some failures with HTTP 200 and a code body (rare; seen on SAPI).</summary>
    private static bool LooksLikeError(string body) =>
        body.StartsWith("{\"code\":", StringComparison.Ordinal) && Parse(body) is { Code: < 0 };

    private static (int? Code, string? Msg) Parse(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var value))
            {
                var msg = doc.RootElement.TryGetProperty("msg", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                return (value, msg);
            }
        }
        catch (JsonException)
        {
            // Not JSON (an HTML error page from a proxy or the WAF): mapped by status alone.
        }

        return (null, null);
    }

    private static string Trim(string msg) => msg.Length > 200 ? msg[..200] : msg;
}
