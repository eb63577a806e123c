using System.Globalization;
using System.Threading.RateLimiting;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Hosting;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.RateLimiting;

namespace Coffer.Server.Features.Perimeter;

/// <summary>Requests allowed per window, per partition (DESIGN §7: per token tier and per IP).</summary>
/// <param name="Interactive">Per token, for a user's own root and browser sessions.</param>
/// <param name="Api">Per token, for personal API tokens, OAuth grants and the other kinds.</param>
/// <param name="Anonymous">Per client IP, for requests without a token.</param>
/// <param name="PerIp">Per client IP, for everything together (many tokens from one address share it).</param>
/// <param name="Window">The window the quotas count in.</param>
internal sealed record RateLimitSettings(int Interactive = 300, int Api = 100, int Anonymous = 60, int PerIp = 2000, int WindowSeconds = 10)
{
    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}

/// <summary>
/// The built-in ASP.NET Core rate limiter, partitioned per client IP and per token (by its tier), answering 429 — never
/// 503 — with <c>Retry-After</c> and the IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers; security.md §13):
/// <c>RateLimit-Policy: "api";q=100;w=10</c> and <c>RateLimit: "api";r=42;t=10</c>. Runs after authentication so a
/// request is counted against its own token, and before the handler so a refused request does no work.
/// </summary>
internal static class RateLimits
{
    public const string InteractiveTier = "interactive";
    public const string ApiTier = "api";
    private const string PolicyItem = "coffer.ratelimit.policy";
    private const string RejectedItem = "coffer.ratelimit.rejected";

    public static IServiceCollection AddCofferRateLimits(this IServiceCollection services, RateLimitSettings limits)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    RateLimitPartition.GetFixedWindowLimiter("ip:" + ClientIp(context), _ => Window(limits.PerIp, limits.Window))),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                {
                    var (name, quota, key) = Policy(context, limits);
                    context.Items[PolicyItem] = (name, quota);
                    return RateLimitPartition.GetFixedWindowLimiter(key, _ => Window(quota, limits.Window));
                }));
            options.OnRejected = async (rejected, cancellationToken) =>
            {
                var context = rejected.HttpContext;
                context.Items[RejectedItem] = true;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : limits.Window;
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                context.Response.Headers.RetryAfter = seconds;
                if (context.Items[PolicyItem] is (string name, int quota))
                {
                    WriteHeaders(context, name, quota, 0, seconds, limits);
                }

                // The chain tries the per-IP limiter first; when it refuses, the token policy is never looked up.
                context.RequestServices.GetRequiredService<Metrics.CofferMetrics>().RateLimited(context.Items[PolicyItem] is (string policy, int) ? policy : "per_ip");

                await Problem.WriteAsync(context, ProblemType.RateLimited, $"Too many requests. Try again in {seconds} s.");
            };
        });
        return services;
    }

    /// <summary>Adds the RateLimit fields to responses that were let through.</summary>
    public static IApplicationBuilder UseRateLimitHeaders(this IApplicationBuilder app, RateLimitSettings limits) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            // The limiter's own refusal wrote its fields already; a daily-quota refusal is answered here like any response.
            if (!context.Items.ContainsKey(RejectedItem) && context.Items[PolicyItem] is (string name, int quota))
            {
                var limiter = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimiterOptions>>().Value.GlobalLimiter;
                var remaining = limiter?.GetStatistics(context)?.CurrentAvailablePermits ?? quota;
                WriteHeaders(context, name, quota, remaining, limits.WindowSeconds.ToString(CultureInfo.InvariantCulture), limits);
            }

            return Task.CompletedTask;
        });
        return next(context);
    });

    /// <summary>
    /// One field value each, the policies as a list (draft §3.1, §4.1): the window's, then the day's when the request was
    /// counted against a daily quota, e.g. <c>"api";q=100;w=10, "daily";q=20000;w=86400</c>.
    /// </summary>
    private static void WriteHeaders(HttpContext context, string name, int quota, long remaining, string seconds, RateLimitSettings limits)
    {
        var policy = $"\"{name}\";q={quota};w={limits.WindowSeconds}";
        var state = $"\"{name}\";r={Math.Max(0, remaining)};t={seconds}";
        if (context.Items[DailyQuotas.StateItem] is DailyQuotaState daily)
        {
            policy += $", \"{DailyQuotas.PolicyName}\";q={daily.Quota};w={DailyQuotaSettings.WindowSeconds}";
            state += $", \"{DailyQuotas.PolicyName}\";r={Math.Max(0, daily.Remaining)};t={daily.SecondsToReset}";
        }

        context.Response.Headers["RateLimit-Policy"] = policy;
        context.Response.Headers["RateLimit"] = state;
    }

    /// <summary>The calling token's tier and accessor; null for a request without a token.</summary>
    public static (string Tier, string Accessor)? TokenTier(HttpContext context) =>
        context.User.FindFirst(TokenAuthenticationHandler.AccessorClaim)?.Value is not { } accessor ? null
        : context.User.FindFirst(TokenAuthenticationHandler.KindClaim)?.Value is "trader" or "session" ? (InteractiveTier, accessor)
        : (ApiTier, accessor);

    /// <summary>One partition per token, by accessor, for the window's limiter and the daily quota alike.</summary>
    public static string TokenPartition(string accessor) => "token:" + accessor;

    private static (string Name, int Quota, string Key) Policy(HttpContext context, RateLimitSettings limits) => TokenTier(context) switch
    {
        null => ("anonymous", limits.Anonymous, "anon:" + ClientIp(context)),
        var (tier, accessor) => (tier, tier == InteractiveTier ? limits.Interactive : limits.Api, TokenPartition(accessor)),
    };

    private static string ClientIp(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) => new()
    {
        PermitLimit = permits,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
