using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Exchanges.Transport;

namespace Coffer.Exchanges.Coinbase;

/// <summary>
/// Coinbase's refusals onto Coffer's error kinds (exchanges.md §3.7). HTTP status first (401 bad or expired JWT,
/// 403 missing scopes — official SDK rest_base.handle_exception —, 404, 5xx), then the body's <c>error</c> id
/// (INVALID_ARGUMENT, INSUFFICIENT_FUND, PERMISSION_DENIED … — 3RD-PARTY ccxt), then, for order placement, the
/// <c>error_response</c> of a 200 with <c>success:false</c>. Messages carry the exchange's error id and its short text,
/// never a request header (the JWT) or anything from the vault.
/// </summary>
internal static class CoinbaseErrors
{
    private const int MaxMessage = 200;

    /// <summary>Null for a 2xx answer; otherwise the mapped failure.</summary>
    public static ExchangeException? FromResponse(ExchangeResponse response)
    {
        if (response.StatusCode is >= 200 and < 300)
        {
            return null;
        }

        var (code, text) = Describe(response.Body);
        var status = response.StatusCode.ToString(CultureInfo.InvariantCulture);
        var kind = response.StatusCode switch
        {
            401 => ExchangeErrorKind.Authentication,
            403 => ExchangeErrorKind.Permission,
            404 => ExchangeErrorKind.NotFound,
            429 => ExchangeErrorKind.RateLimited,
            >= 500 => ExchangeErrorKind.ExchangeUnavailable,
            _ => KindOf(code, text) ?? ExchangeErrorKind.BadRequest,
        };
        if (response.StatusCode == 400 && kind == ExchangeErrorKind.BadRequest && text.Contains("not found", StringComparison.OrdinalIgnoreCase))
        {
            kind = ExchangeErrorKind.NotFound;
        }

        var what = kind switch
        {
            ExchangeErrorKind.Authentication => "Coinbase did not accept the API key (wrong key name, a key that is not a CDP ES256 key, or an expired JWT)",
            ExchangeErrorKind.Permission => "The Coinbase API key lacks the permission for this call",
            ExchangeErrorKind.ExchangeUnavailable => "Coinbase could not answer",
            _ => "Coinbase refused the request",
        };
        return new ExchangeException(CoinbaseClient.Id, kind, $"{what} (HTTP {status}{(code is null ? string.Empty : ", " + code)}){(text.Length == 0 ? "." : ": " + text)}", code ?? status);
    }

    /// <summary>
    /// A placement answered 200 with <c>success:false</c>: the reason is in <c>error_response</c> (<c>error</c>,
    /// <c>preview_failure_reason</c>, <c>new_order_failure_reason</c>) or the older top-level <c>failure_reason</c>.
    /// </summary>
    public static ExchangeException OrderRefused(JsonNode? body)
    {
        var error = body?["error_response"];
        var reasons = new[]
            {
                Str(error?["error"]), Str(error?["preview_failure_reason"]), Str(error?["new_order_failure_reason"]), Str(body?["failure_reason"]),
            }
            .Where(r => !string.IsNullOrEmpty(r) && !r.StartsWith("UNKNOWN_", StringComparison.Ordinal))
            .ToList();
        var text = Clip(Str(error?["message"]) ?? Str(error?["error_details"]) ?? string.Empty);
        var code = reasons.FirstOrDefault() ?? "UNKNOWN_FAILURE_REASON";
        var kind = reasons.Select(r => KindOf(r, text)).FirstOrDefault(k => k is not null) ?? ExchangeErrorKind.InvalidOrder;
        return new ExchangeException(CoinbaseClient.Id, kind, $"Coinbase refused the order ({string.Join(", ", reasons.DefaultIfEmpty(code))}){(text.Length == 0 ? "." : ": " + text)}", code, transient: false);
    }

    /// <summary>The kind of an error id or failure reason; null when it does not say.</summary>
    internal static ExchangeErrorKind? KindOf(string? code, string text)
    {
        if (code is null)
        {
            return text.Contains("Missing required scopes", StringComparison.OrdinalIgnoreCase) ? ExchangeErrorKind.Permission : null;
        }

        return code switch
        {
            _ when code.Contains("INSUFFICIENT_FUND", StringComparison.Ordinal) => ExchangeErrorKind.InsufficientFunds,
            "PERMISSION_DENIED" => ExchangeErrorKind.Permission,
            "UNAUTHENTICATED" or "INVALID_API_KEY" => ExchangeErrorKind.Authentication,
            "NOT_FOUND" => ExchangeErrorKind.NotFound,
            "RESOURCE_EXHAUSTED" or "RATE_LIMIT_EXCEEDED" => ExchangeErrorKind.RateLimited,
            "INTERNAL" or "UNAVAILABLE" or "INTERNAL_SERVER_ERROR" => ExchangeErrorKind.ExchangeUnavailable,
            _ when code.StartsWith("INVALID_", StringComparison.Ordinal) || code.StartsWith("UNSUPPORTED_", StringComparison.Ordinal)
                || code.StartsWith("PREVIEW_", StringComparison.Ordinal) || code.Contains("TOO_SMALL", StringComparison.Ordinal)
                || code.Contains("TOO_LARGE", StringComparison.Ordinal) || code.Contains("POST_ONLY", StringComparison.Ordinal)
                || code is "ORDER_ENTRY_DISABLED" or "INELIGIBLE_PAIR" => ExchangeErrorKind.InvalidOrder,
            _ => text.Contains("Missing required scopes", StringComparison.OrdinalIgnoreCase) ? ExchangeErrorKind.Permission : null,
        };
    }

    /// <summary>The body's error id and text: JSON <c>{error, error_details, message}</c> or plain text ("Unauthorized").</summary>
    private static (string? Code, string Text) Describe(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, string.Empty);
        }

        try
        {
            if (JsonNode.Parse(body) is JsonObject json)
            {
                var code = Str(json["error"]);
                var text = Str(json["error_details"]) is { Length: > 0 } details ? details : Str(json["message"]) ?? string.Empty;
                return (string.IsNullOrEmpty(code) || code == "unknown" ? null : code, Clip(text));
            }
        }
        catch (JsonException)
        {
            // Plain text, as Coinbase answers a rejected JWT.
        }

        return (null, Clip(body.Trim()));
    }

    private static string? Str(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Short, single-line, and without anything that looks like a bearer token.</summary>
    private static string Clip(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        if (line.Contains("eyJ", StringComparison.Ordinal))
        {
            return "(message withheld: it quotes a token)";
        }

        return line.Length <= MaxMessage ? line : line[..MaxMessage] + "…";
    }
}
