using System.Text;
using System.Text.Json;
using Coffer.Sandbox.Faults;
using Coffer.Sandbox.Keys;

namespace Coffer.Sandbox.Kraken;

/// <summary>Kraken Spot REST (<c>/0/public</c>, <c>/0/private</c>) on the sandbox engine, checking requests as Kraken does.</summary>
internal sealed class KrakenFront : IExchangeFront
{
    private const string PrivatePrefix = "/0/private";

    private readonly SandboxState _state;

    public KrakenFront(SandboxState state)
    {
        _state = state;
        Pairs = new KrakenPairs(state.Engine.Markets);
        var options = state.Options.Kraken;
        // Counters run on the host clock: a clock-skew fault moves the exchange's time, not the passing of seconds.
        CallCounter = new KrakenCounter<string>(options.CallCounterMax, options.CallCounterDecayPerSecond, state.Options.TimeProvider);
        TradingCounter = new KrakenCounter<(string, string)>(options.TradingCounterMax, options.TradingCounterDecayPerSecond, state.Options.TimeProvider);
        Lockouts = new KrakenLockouts(options.LockoutStrikes, options.LockoutDuration, state.Options.TimeProvider);
    }

    public SandboxExchange Exchange => SandboxExchange.Kraken;

    public SandboxState State => _state;

    public KrakenPairs Pairs { get; }

    /// <summary>The REST call counter per API key.</summary>
    public KrakenCounter<string> CallCounter { get; }

    /// <summary>The matching-engine counter per API key and pair (AddOrder, CancelOrder).</summary>
    public KrakenCounter<(string ApiKey, string Pair)> TradingCounter { get; }

    /// <summary>Keys locked out for repeated invalid credentials or calls made while rate-limited.</summary>
    public KrakenLockouts Lockouts { get; }

    public KrakenNonces Nonces { get; } = new();

    public KrakenOrderNotes Notes { get; } = new();

    public void Map(IEndpointRouteBuilder app)
    {
        KrakenMarketEndpoints.Map(app, this);
        KrakenAccountEndpoints.Map(app, this);
        KrakenOrderEndpoints.Map(app, this);
        app.MapMethods("/0/public/{method}", ["GET", "POST"], Public(_ => throw new KrakenRejection(KrakenError.UnknownMethod)));
        app.MapPost(PrivatePrefix + "/{method}", Private(KeyPermissions.None, 1, _ => throw new KrakenRejection(KrakenError.UnknownMethod)));
    }

    /// <summary>A public method: GET with a query string, or POST with a form body, as Kraken accepts both.</summary>
    public RequestDelegate Public(Func<KrakenRequest, IResult> handler) =>
        async context =>
        {
            var body = await ReadBodyAsync(context.Request);
            var parameters = KrakenRequest.ParseForm(context.Request.QueryString.Value ?? "");
            foreach (var (name, value) in KrakenRequest.ParseForm(Encoding.UTF8.GetString(body)))
            {
                parameters.TryAdd(name, value);
            }

            await Run(context, new KrakenRequest(context, _state, this, parameters), handler);
        };

    /// <summary>A private method: POST, key and signature checked over the exact body, nonce, call counter, then permission.</summary>
    public RequestDelegate Private(KeyPermissions needed, decimal cost, Func<KrakenRequest, IResult> handler) =>
        async context =>
        {
            var body = await ReadBodyAsync(context.Request);
            var isJson = context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ?? false;
            var parameters = isJson ? KrakenRequest.ParseJson(body) : KrakenRequest.ParseForm(Encoding.UTF8.GetString(body));
            var request = new KrakenRequest(context, _state, this, parameters ?? []);
            await Run(context, request, r =>
            {
                if (parameters is null)
                {
                    throw new KrakenRejection("EGeneral:Invalid arguments");
                }

                r.Key = Authenticate(r, body, needed, cost);
                return handler(r);
            });
        };

    public async Task WriteRateLimitedAsync(HttpContext context, int retryAfterSeconds)
    {
        var isPrivate = context.Request.Path.StartsWithSegments(PrivatePrefix, StringComparison.OrdinalIgnoreCase);
        if (isPrivate && ApiKeyOf(context.Request) is { } apiKey && _state.Keys.Find(SandboxExchange.Kraken, apiKey) is not null)
        {
            // As after a real refusal: the key's counter is full and must decay before the next call is served; a
            // caller that did not wait for that since its last refusal earns a strike towards a lockout.
            Lockouts.RateLimited(apiKey, HasRoom(apiKey));
            CallCounter.Fill(apiKey);
        }

        await KrakenJson.Error(isPrivate ? KrakenError.RateLimit : "EGeneral:Too many requests").ExecuteAsync(context);
    }

    public async Task WriteServerErrorAsync(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        var error = status == StatusCodes.Status500InternalServerError ? KrakenError.Internal : KrakenError.Unavailable;
        await JsonSerializer.SerializeAsync(context.Response.Body, new { error = new[] { error } }, KrakenJson.Options);
    }

    public string? ApiKeyOf(HttpRequest request) =>
        request.Headers.TryGetValue("API-Key", out var key) && key.Count > 0 ? key[0] : null;

    private static async Task Run(HttpContext context, KrakenRequest request, Func<KrakenRequest, IResult> handler)
    {
        IResult result;
        try
        {
            result = handler(request);
        }
        catch (KrakenRejection rejection)
        {
            result = KrakenJson.Error(rejection.Error);
        }

        await result.ExecuteAsync(context);
    }

    private SandboxKey Authenticate(KrakenRequest request, byte[] body, KeyPermissions needed, decimal cost)
    {
        var apiKey = ApiKeyOf(request.Context.Request);
        if (apiKey is not null && Lockouts.IsLockedOut(apiKey))
        {
            throw new KrakenRejection(KrakenError.TemporaryLockout);
        }

        var key = (apiKey is null ? null : _state.Keys.Find(SandboxExchange.Kraken, apiKey))
            ?? throw Strike(apiKey, KrakenError.InvalidKey);

        var nonceText = request.Optional("nonce");
        if (nonceText is null || !ulong.TryParse(nonceText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var nonce))
        {
            throw Strike(key.ApiKey, KrakenError.InvalidNonce);
        }

        var signature = request.Context.Request.Headers.TryGetValue("API-Sign", out var sign) && sign.Count > 0 ? sign[0] : null;
        if (!KrakenSignature.Verify(key.Secret, request.Context.Request.Path.Value ?? "", nonceText, body, signature))
        {
            throw Strike(key.ApiKey, KrakenError.InvalidSignature);
        }

        if (!Nonces.TryAdvance(key.ApiKey, nonce))
        {
            throw Strike(key.ApiKey, KrakenError.InvalidNonce);
        }

        if (cost > 0)
        {
            var hadRoom = HasRoom(key.ApiKey);
            if (!CallCounter.TryAdd(key.ApiKey, cost))
            {
                Lockouts.RateLimited(key.ApiKey, hadRoom);
                throw new KrakenRejection(KrakenError.RateLimit);
            }
        }

        // AddOrder and CancelOrder spend nothing of the call counter, so they do not show that its restriction is over.
        Lockouts.Served(key.ApiKey, restrictionLifted: cost > 0);

        if (!key.AllowsAddress(request.Context.Connection.RemoteIpAddress) || !key.Can(needed))
        {
            throw new KrakenRejection(KrakenError.PermissionDenied);
        }

        return key;
    }

    /// <summary>Whether the key's call counter has room for one more call of cost 1.</summary>
    private bool HasRoom(string apiKey) => CallCounter.Value(apiKey) + 1 <= CallCounter.Max;

    private KrakenRejection Strike(string? apiKey, string error)
    {
        if (apiKey is not null)
        {
            Lockouts.Strike(apiKey);
        }

        return new KrakenRejection(error);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        if (request.ContentLength == 0 || !HttpMethods.IsPost(request.Method))
        {
            return [];
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.ToArray();
    }
}
