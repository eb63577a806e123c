using System.Globalization;
using System.Text.Json;
using Coffer.Sandbox.Control;

namespace Coffer.Sandbox.Coinbase;

/// <summary>Advanced Trade's wire conventions: snake_case names as written, decimals and epochs as strings, RFC 3339 times.</summary>
internal static class CoinbaseJson
{
    public static JsonSerializerOptions Options { get; } = new() { PropertyNamingPolicy = null };

    /// <summary>Decimals are strings without trailing zeros (<c>"0.01"</c>, <c>"60000"</c>), as the product and order docs show them.</summary>
    public static string Dec(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    public static string Dec(decimal? value) => Dec(value ?? 0m);

    /// <summary>RFC 3339 UTC with microseconds, e.g. <c>2026-03-02T12:00:00.000000Z</c> (order created_time, fill trade_time).</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static IResult Ok(object body) => new JsonBody(200, body, "ok");

    /// <summary>The generic error body <c>{error, error_details, message}</c> (reference §3.7).</summary>
    public static IResult Error(int status, string error, string message) =>
        new JsonBody(status, new { error, error_details = message, message }, error);

    public static IResult NotFound(string message = "order with this orderID was not found") => Error(404, "NOT_FOUND", message);

    public static IResult InvalidArgument(string message) => Error(400, "INVALID_ARGUMENT", message);

    /// <summary>Missing permission: 403 with "Missing required scopes" (coinbase-advanced-py rest_base.handle_exception).</summary>
    public static IResult PermissionDenied { get; } = Error(403, "PERMISSION_DENIED", "Missing required scopes");

    /// <summary>Any JWT failure: 401 with the plain-text body <c>Unauthorized</c> Coinbase commonly sends (exact body UNCONFIRMED).</summary>
    public static IResult Unauthorized(string why) => new PlainUnauthorized(why);

    private sealed class JsonBody(int status, object body, string outcome) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            // A fault's outcome (e.g. "fault:429") stays: the log says why the request was refused.
            RequestOutcome.Set(httpContext, RequestOutcome.Get(httpContext) ?? outcome);
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            await JsonSerializer.SerializeAsync(httpContext.Response.Body, body, body.GetType(), Options);
        }
    }

    private sealed class PlainUnauthorized(string why) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            // The log keeps the sandbox's reason (never the token); the wire says only "Unauthorized", as Coinbase does.
            RequestOutcome.Set(httpContext, "unauthorized:" + why);
            httpContext.Response.StatusCode = 401;
            httpContext.Response.ContentType = "text/plain; charset=utf-8";
            await httpContext.Response.WriteAsync("Unauthorized\n", httpContext.RequestAborted);
        }
    }
}
