using System.Globalization;
using System.Text.Json;

namespace Coffer.Sandbox.Binance;

internal static class BinanceJson
{
    /// <summary>Property names exactly as written (Binance's are camelCase already); no naming policy.</summary>
    public static JsonSerializerOptions Options { get; } = new() { PropertyNamingPolicy = null };

    /// <summary>Binance sends decimals as strings with eight places: <c>"0.10000000"</c>.</summary>
    public static string Dec(decimal value) => value.ToString("F8", CultureInfo.InvariantCulture);

    public static string Dec(decimal? value) => Dec(value ?? 0m);

    public static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static IResult Ok(object body) => new JsonBody(body);

    private sealed class JsonBody(object body) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            Control.RequestOutcome.Set(httpContext, "ok");
            httpContext.Response.StatusCode = 200;
            httpContext.Response.ContentType = "application/json;charset=UTF-8";
            await JsonSerializer.SerializeAsync(httpContext.Response.Body, body, body.GetType(), Options);
        }
    }
}
