using System.Globalization;
using System.Net;
using System.Text.Json;
using Coffer.Sandbox.Faults;
using Coffer.Sandbox.Keys;

namespace Coffer.Sandbox.Binance;

internal enum BinanceSecurity
{
    /// <summary>Public market data: no key.</summary>
    None,

    /// <summary>USER_DATA: signed, the key must be able to read.</summary>
    UserData,

    /// <summary>TRADE: signed, the key must be able to trade (enableSpotAndMarginTrading).</summary>
    Trade,
}

/// <summary>Binance Spot REST (<c>/api/v3</c>, <c>/sapi/v1</c>) on the sandbox engine, checking requests as Binance does.</summary>
internal sealed class BinanceFront : IExchangeFront
{
    private const string WeightHeader = "X-MBX-USED-WEIGHT-1M";
    private const string SapiWeightHeader = "X-SAPI-USED-IP-WEIGHT-1M";

    private readonly SandboxState _state;
    private readonly BinanceSymbols _symbols;

    public BinanceFront(SandboxState state)
    {
        _state = state;
        _symbols = new BinanceSymbols(state.Engine);
        var options = state.Options.Binance;

        // Weight windows, Retry-After and bans run on the host clock, not the skewed exchange clock: a clock-skew fault
        // set mid-run must not move time backwards under a Retry-After already given (and ban a client that waited it out).
        Weight = new BinanceWeight(options.RequestWeightPerMinute, options.FirstBanSeconds, state.Options.TimeProvider);
        SapiWeight = new BinanceWeight(options.SapiIpWeightPerMinute, options.FirstBanSeconds, state.Options.TimeProvider);
    }

    public SandboxExchange Exchange => SandboxExchange.Binance;

    public BinanceWeight Weight { get; }

    public BinanceWeight SapiWeight { get; }

    public void Map(IEndpointRouteBuilder app)
    {
        BinanceMarketEndpoints.Map(app, this);
        BinanceAccountEndpoints.Map(app, this);
        BinanceOrderEndpoints.Map(app, this);
    }

    /// <summary>Wraps a handler with Binance's pipeline: parameters, request weight, then (signed endpoints) key checks.</summary>
    public RequestDelegate Endpoint(BinanceSecurity security, Func<BinanceRequest, int> weight, Func<BinanceRequest, IResult> handler, bool sapi = false) =>
        async context =>
        {
            var raw = context.Request.QueryString.HasValue ? context.Request.QueryString.Value![1..] : "";
            var body = await ReadBodyAsync(context.Request);
            var (query, querySignature) = BinanceSignature.Strip(raw);
            var (form, bodySignature) = BinanceSignature.Strip(body);
            var request = new BinanceRequest(context, _state, _symbols, BinanceRequest.Parse(query, form));

            IResult result;
            try
            {
                var limiter = sapi ? SapiWeight : Weight;
                var (used, refusal) = limiter.Charge(RemoteIp(context), weight(request));
                context.Response.Headers[sapi ? SapiWeightHeader : WeightHeader] = used.ToString(CultureInfo.InvariantCulture);
                if (refusal is not null)
                {
                    result = RateLimited(refusal, limiter.Limit);
                }
                else
                {
                    if (security != BinanceSecurity.None)
                    {
                        request.Key = Authenticate(request, query + form, querySignature ?? bodySignature, security);
                    }

                    result = handler(request);
                }
            }
            catch (BinanceRejection rejection)
            {
                result = rejection.Error.ToResult();
            }

            await result.ExecuteAsync(context);
        };

    public async Task WriteRateLimitedAsync(HttpContext context, int retryAfterSeconds)
    {
        var ip = RemoteIp(context);
        var refusal = Weight.RateLimitFault(ip, retryAfterSeconds);
        if (refusal.Status == 418)
        {
            Control.RequestOutcome.Set(context, "fault:418");
        }

        context.Response.Headers[WeightHeader] = Weight.Used(ip).ToString(CultureInfo.InvariantCulture);
        await RateLimited(refusal, Weight.Limit).ExecuteAsync(context);
    }

    public async Task WriteServerErrorAsync(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json;charset=UTF-8";
        await JsonSerializer.SerializeAsync(
            context.Response.Body,
            new { code = -1001, msg = "Internal error; unable to process your request. Please try again." },
            BinanceJson.Options);
    }

    public string? ApiKeyOf(HttpRequest request) =>
        request.Headers.TryGetValue("X-MBX-APIKEY", out var key) && key.Count > 0 ? key[0] : null;

    private static RateLimitResult RateLimited(WeightRefusal refusal, int limit) => new RateLimitResult(refusal, limit);

    private SandboxKey Authenticate(BinanceRequest request, string payload, string? signature, BinanceSecurity security)
    {
        var apiKey = ApiKeyOf(request.Context.Request);
        if (apiKey is null || apiKey.Length != 64 || !apiKey.All(char.IsAsciiLetterOrDigit))
        {
            throw new BinanceRejection(BinanceError.BadKeyFormat);
        }

        var key = _state.Keys.Find(SandboxExchange.Binance, apiKey) ?? throw new BinanceRejection(BinanceError.RejectedKey);

        CheckTimestamp(request);

        if (signature is null)
        {
            throw new BinanceRejection(BinanceError.Mandatory("signature"));
        }

        if (!BinanceSignature.Verify(key.Secret, payload, Uri.UnescapeDataString(signature)))
        {
            throw new BinanceRejection(BinanceError.InvalidSignature);
        }

        var needed = security == BinanceSecurity.Trade ? KeyPermissions.Trade : KeyPermissions.Read;
        if (!key.AllowsAddress(request.Context.Connection.RemoteIpAddress) || !key.Can(needed))
        {
            throw new BinanceRejection(BinanceError.RejectedKey);
        }

        return key;
    }

    /// <summary>rest-api.md "Timing security": <c>timestamp &lt; serverTime + 1 s</c> and <c>serverTime − timestamp ≤ recvWindow</c>.</summary>
    private void CheckTimestamp(BinanceRequest request)
    {
        var text = request.Required("timestamp");
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var stamp))
        {
            throw new BinanceRejection(BinanceError.Mandatory("timestamp"));
        }

        // Timestamps may be in milliseconds or microseconds; recvWindow in milliseconds with up to three decimals.
        var timestampMs = stamp >= 100_000_000_000_000 ? stamp / 1000m : stamp;
        var recvWindow = 5000m;
        if (request.Optional("recvWindow") is { } windowText)
        {
            if (!decimal.TryParse(windowText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out recvWindow)
                || decimal.Round(recvWindow, 3) != recvWindow)
            {
                throw new BinanceRejection(BinanceError.Mandatory("recvWindow"));
            }

            if (recvWindow > 60_000m)
            {
                throw new BinanceRejection(BinanceError.BadRecvWindow);
            }
        }

        var serverTime = (decimal)_state.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (timestampMs >= serverTime + 1000)
        {
            throw new BinanceRejection(BinanceError.AheadOfServer);
        }

        if (serverTime - timestampMs > recvWindow)
        {
            throw new BinanceRejection(BinanceError.OutsideRecvWindow);
        }
    }

    private static IPAddress RemoteIp(HttpContext context) => context.Connection.RemoteIpAddress ?? IPAddress.Loopback;

    private static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        if (request.ContentLength == 0 || !(request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return "";
        }

        using var reader = new StreamReader(request.Body);
        return await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
    }

    private sealed class RateLimitResult(WeightRefusal refusal, int limit) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = refusal.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            var message = refusal.Status == 418
                ? $"Way too much request weight used; IP banned until {refusal.Until.ToUnixTimeMilliseconds()}. Please use WebSocket Streams for live updates to avoid bans."
                : $"Too much request weight used; current limit is {limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.";
            await new BinanceError(refusal.Status, -1003, message).ToResult().ExecuteAsync(httpContext);
        }
    }
}
