namespace Coffer.Sandbox.Faults;

/// <summary>What the shared middleware needs from an exchange front to speak its dialect.</summary>
internal interface IExchangeFront
{
    SandboxExchange Exchange { get; }

    /// <summary>Writes the exchange's own 429 (headers and body).</summary>
    Task WriteRateLimitedAsync(HttpContext context, int retryAfterSeconds);

    /// <summary>Writes the exchange's own 5xx body with <paramref name="status"/>.</summary>
    Task WriteServerErrorAsync(HttpContext context, int status);

    /// <summary>The API key a request carries in this exchange's header (for the request log), or null.</summary>
    string? ApiKeyOf(HttpRequest request);
}
