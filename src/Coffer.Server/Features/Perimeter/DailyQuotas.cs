using System.Globalization;
using Coffer.Server.Problems;

namespace Coffer.Server.Features.Perimeter;

/// <summary>One request's daily-quota state, for the RateLimit fields <see cref="RateLimits"/> writes.</summary>
internal sealed record DailyQuotaState(int Quota, long Remaining, long SecondsToReset);

/// <summary>
/// Counts every authenticated <c>/api/v1</c> request of a token against its tier's quota for the UTC day (anonymous
/// requests stay on the per-IP limits) and refuses the rest with 429 <c>quota-exceeded</c> and <c>Retry-After</c> until
/// midnight UTC. Runs after the rate limiter, so a request refused there is not counted twice, and before authorization
/// and the handler, so a refused request does nothing. A counter that cannot be read fails the request (fail closed).
/// </summary>
internal static class DailyQuotas
{
    public const string StateItem = "coffer.quota.daily";
    public const string PolicyName = "daily";

    public static IServiceCollection AddDailyQuotas(this IServiceCollection services) => services.AddSingleton<QuotaLedger>();

    public static IApplicationBuilder UseDailyQuotas(this IApplicationBuilder app, DailyQuotaSettings settings) => !settings.Enabled ? app : app.Use(async (context, next) =>
    {
        if (!context.Request.Path.StartsWithSegments(OpenApi.ApiDocument.ApiPrefix, StringComparison.OrdinalIgnoreCase)
            || RateLimits.TokenTier(context) is not { } token)
        {
            await next(context);
            return;
        }

        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var day = DateOnly.FromDateTime(now);
        var reset = Math.Max(1, (long)Math.Ceiling((day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - now).TotalSeconds));
        var quota = settings.QuotaFor(token.Tier);
        var decision = await context.RequestServices.GetRequiredService<QuotaLedger>()
            .TakeAsync(RateLimits.TokenPartition(token.Accessor), day, quota, settings.LeaseSize, context.RequestAborted);
        context.Items[StateItem] = new DailyQuotaState(quota, decision.Remaining, reset);
        if (!decision.Allowed)
        {
            var seconds = reset.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers.RetryAfter = seconds;
            context.RequestServices.GetRequiredService<Metrics.CofferMetrics>().RateLimited(PolicyName);
            var setting = token.Tier == RateLimits.InteractiveTier ? "COFFER_DAILY_QUOTA_INTERACTIVE" : "COFFER_DAILY_QUOTA_API";
            await Problem.WriteAsync(
                context,
                ProblemType.QuotaExceeded,
                $"This token has used its daily quota of {quota} requests ({token.Tier} tier). It resets at 00:00 UTC, in {seconds} s. "
                + $"For more, ask the server's operator to raise {setting}; every token has its own quota, so a separate token for each tool keeps one from starving the others.");
            return;
        }

        await next(context);
    });
}
