using System.Globalization;
using System.Net;
using System.Text.Json;
using Coffer.Sandbox.Faults;
using Coffer.Sandbox.Keys;
using Microsoft.AspNetCore.Http.Features;

namespace Coffer.Sandbox.Coinbase;

internal enum CoinbaseSecurity
{
    /// <summary>Public market data (<c>/time</c>, <c>/market/…</c>, the App's <c>/v2/time</c>): no JWT, counted per IP.</summary>
    Public,

    /// <summary>Private, the key must be able to view.</summary>
    View,

    /// <summary>Private, the key must be able to trade.</summary>
    Trade,
}

/// <summary>Coinbase Advanced Trade (<c>/api/v3/brokerage</c>) on the sandbox engine, checking requests as Coinbase does.</summary>
internal sealed class CoinbaseFront : IExchangeFront
{
    public const string Prefix = "/api/v3/brokerage";

    /// <summary>The Coinbase App's public server time (docs.cdp.coinbase.com/coinbase-app/track-apis/time), outside <see cref="Prefix"/>.</summary>
    public const string AppTimePath = "/v2/time";

    private readonly SandboxState _state;
    private readonly CoinbaseIds _ids;
    private readonly CoinbaseReplayGuard _replays;

    public CoinbaseFront(SandboxState state)
    {
        _state = state;
        _ids = new CoinbaseIds(state.Engine);
        _replays = new CoinbaseReplayGuard(state.Clock);
        Private = new CoinbaseRateLimiter(state.Options.Coinbase.PrivateRequestsPerSecond, state.Clock);
        Public = new CoinbaseRateLimiter(state.Options.Coinbase.PublicRequestsPerSecond, state.Clock);
    }

    public SandboxExchange Exchange => SandboxExchange.Coinbase;

    public CoinbaseRateLimiter Private { get; }

    public CoinbaseRateLimiter Public { get; }

    /// <summary>Serializes the duplicate-client-order-id check with the placement, so a repeated POST never places twice.</summary>
    public Lock PlaceGate { get; } = new();

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(AppTimePath, Endpoint(CoinbaseSecurity.Public, CoinbaseMarketEndpoints.AppTime));
        var group = app.MapGroup(Prefix);
        CoinbaseMarketEndpoints.Map(group, this);
        CoinbaseAccountEndpoints.Map(group, this);
        CoinbaseOrderEndpoints.Map(group, this);
    }

    /// <summary>Wraps a handler with Coinbase's pipeline: JWT (private), rate limit, permission, then the handler.</summary>
    public RequestDelegate Endpoint(CoinbaseSecurity security, Func<CoinbaseRequest, IResult> handler) =>
        async context =>
        {
            var body = HttpMethods.IsPost(context.Request.Method) ? await ReadJsonAsync(context.Request) : null;
            var request = new CoinbaseRequest(context, _state, _ids, body);
            IResult result;
            if (security == CoinbaseSecurity.Public)
            {
                var decision = Public.Charge("ip:" + RemoteIp(context));
                WriteRateHeaders(context, decision);
                result = decision.Allowed ? handler(request) : TooManyRequests;
            }
            else if (Check(context, request) is (null, var failure))
            {
                result = CoinbaseJson.Unauthorized(failure ?? "unauthorized");
            }
            else
            {
                var key = request.Key!;
                var decision = Private.Charge("key:" + key.ApiKey);
                WriteRateHeaders(context, decision);
                var needed = security == CoinbaseSecurity.Trade ? KeyPermissions.Trade : KeyPermissions.Read;
                result = !decision.Allowed ? TooManyRequests
                    : !key.Can(needed) ? CoinbaseJson.PermissionDenied
                    : handler(request);
            }

            await result.ExecuteAsync(context);
        };

    public async Task WriteRateLimitedAsync(HttpContext context, int retryAfterSeconds)
    {
        var path = context.Request.Path;
        var isPublic = path.StartsWithSegments(Prefix + "/time", StringComparison.Ordinal) || path.StartsWithSegments(Prefix + "/market", StringComparison.Ordinal)
            || path.StartsWithSegments(AppTimePath, StringComparison.Ordinal);
        WriteRateHeaders(context, (isPublic ? Public : Private).Exhausted(retryAfterSeconds));
        await TooManyRequests.ExecuteAsync(context);
    }

    public async Task WriteServerErrorAsync(HttpContext context, int status)
    {
        // Body UNCONFIRMED: the gateway's 5xx bodies are not documented; the generic error shape is used.
        await CoinbaseJson.Error(status, status == 503 ? "UNAVAILABLE" : "INTERNAL", "Internal server error").ExecuteAsync(context);
    }

    public string? ApiKeyOf(HttpRequest request) => CoinbaseJwt.UnverifiedKid(request.Headers.Authorization.FirstOrDefault());

    /// <summary>429 body UNCONFIRMED (the gateway has also been seen answering HTML); clients must key on the status.</summary>
    private static IResult TooManyRequests { get; } = CoinbaseJson.Error(429, "RATE_LIMIT_EXCEEDED", "Too many requests");

    private (SandboxKey? Key, string? Failure) Check(HttpContext context, CoinbaseRequest request)
    {
        var options = _state.Options.Coinbase;
        var (jwt, failure) = CoinbaseJwt.Verify(
            context.Request.Headers.Authorization.FirstOrDefault(), ExpectedUri(context), _state.Clock.GetUtcNow(), _state.Keys, options.NotBeforeSkewSeconds);
        if (jwt is null)
        {
            return (null, failure);
        }

        if (!jwt.Key.AllowsAddress(context.Connection.RemoteIpAddress))
        {
            return (null, "ip-allowlist");
        }

        if (options.RefuseReplayedJwt && !_replays.TryUse(jwt))
        {
            return (null, "replayed-nonce");
        }

        request.Key = jwt.Key;
        return (jwt.Key, null);
    }

    /// <summary>
    /// <c>METHOD host:port/path</c> for this listener: the request's method, the address it was received on (the sandbox's
    /// analogue of api.coinbase.com) and the path exactly as sent, without the query string.
    /// </summary>
    private static string ExpectedUri(HttpContext context)
    {
        var local = context.Connection.LocalIpAddress ?? IPAddress.Loopback;
        local = local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local;
        var authority = new IPEndPoint(local, context.Connection.LocalPort).ToString();
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? target : target[..query];
        return $"{context.Request.Method} {authority}{path}";
    }

    private static void WriteRateHeaders(HttpContext context, RateDecision decision)
    {
        // Header names: coinbase-advanced-py constants.py. The reset value's format is not documented: epoch seconds here.
        context.Response.Headers["x-ratelimit-limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["x-ratelimit-remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["x-ratelimit-reset"] = decision.ResetEpochSeconds.ToString(CultureInfo.InvariantCulture);
    }

    private static IPAddress RemoteIp(HttpContext context) => context.Connection.RemoteIpAddress ?? IPAddress.Loopback;

    private static async Task<JsonElement?> ReadJsonAsync(HttpRequest request)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
