using System.Globalization;
using System.Text.Json;

namespace Coffer.Sandbox.Kraken;

/// <summary>Kraken's envelope <c>{"error":[…],"result":…}</c> and its number formatting (decimals as strings).</summary>
internal static class KrakenJson
{
    /// <summary>Names as written; no HTML-safe escaping, so "+0000" is sent as Kraken sends it, not as "\u002B0000".</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = null,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// A decimal as a string with at least <paramref name="places"/> decimals, more if the value has them: the sandbox never
    /// rounds an amount it reports away from the engine's ground truth.
    /// </summary>
    public static string Dec(decimal value, int places)
    {
        var needed = Math.Max(places, Decimals(value));
        return value.ToString("F" + needed.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>Unix seconds with fractions, as Kraken's <c>opentm</c>, <c>closetm</c> and trade <c>time</c>.</summary>
    public static decimal Seconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000m;

    public static IResult Ok(object result) => new Envelope([], result);

    public static IResult Error(string error) => new Envelope([error], null);

    /// <summary>Significant decimals of a value, trailing zeros ignored: 0.0100 has 2.</summary>
    public static int Decimals(decimal value) => (decimal.GetBits(value / 1.0000000000000000000000000000m)[3] >> 16) & 0xFF;

    private sealed class Envelope(string[] errors, object? result) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            // A fault's outcome (e.g. "fault:429") stays: the log says why the request was refused.
            Control.RequestOutcome.Set(httpContext, Control.RequestOutcome.Get(httpContext) ?? (errors.Length == 0 ? "ok" : errors[0]));
            httpContext.Response.StatusCode = 200;
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            object body = result is null ? new { error = errors } : new { error = errors, result };
            await JsonSerializer.SerializeAsync(httpContext.Response.Body, body, body.GetType(), Options);
        }
    }
}
