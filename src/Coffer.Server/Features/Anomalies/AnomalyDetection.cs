using System.Globalization;
using System.Security.Claims;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Problems;
using Coffer.Vault;
using Microsoft.AspNetCore.Authentication;

namespace Coffer.Server.Features.Anomalies;

/// <summary>
/// The anomaly detector (DESIGN §4: it may seal the server): watches every authenticated request (new-ip-range,
/// endpoint-rate-spike) and every failed authentication (auth-failure-burst), and hands what fires to the
/// <see cref="AnomalyResponder"/>. A request that set off a freeze or a seal does not go on to its handler: it is
/// answered with the problem its token now has (fail closed).
/// </summary>
internal sealed class AnomalyDetector(TokenBaselines baselines, RateSpikes rates, AuthFailureBursts bursts, AnomalyResponder responder, TimeProvider time, CofferVault vault)
{
    /// <summary>Looks at one request after authentication; returns false when it was stopped and answered here.</summary>
    public async Task<bool> InspectAsync(HttpContext http)
    {
        var stop = false;
        if (http.User.FindFirstValue(TokenAuthenticationHandler.AccessorClaim) is { } accessor
            && Guid.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), CultureInfo.InvariantCulture, out var userId))
        {
            var now = time.GetUtcNow();
            var client = http.Connection.RemoteIpAddress;
            var (established, newRange) = await baselines.ObserveAsync(accessor, userId, client, now, CancellationToken.None);
            var route = http.Items[AccessLogMiddleware.RouteItem] as string ?? "(unmatched)";
            var spike = rates.Observe(accessor, userId, route, IpRange.Text(client), established, now);
            foreach (var finding in new[] { newRange, spike })
            {
                if (finding is not null)
                {
                    stop |= await responder.RespondAsync(http, finding);
                }
            }
        }
        else if (PresentsCredential(http) && (await http.AuthenticateAsync()).Failure is not null)
        {
            // The handler's result is cached for the request: this asks again without looking the token up twice.
            stop = await AuthenticationFailedAsync(http, null, "token");
        }

        if (!stop)
        {
            return true;
        }

        if (vault.IsSealed)
        {
            http.Response.Headers.RetryAfter = "30";
            await Problem.WriteAsync(http, ProblemType.Sealed, "The anomaly detector sealed the server: no key material is in memory. An operator unseals it with `coffer operator unseal`.");
        }
        else
        {
            await Problem.WriteAsync(http, ProblemType.AccountFrozen, "Unusual activity on this account made Coffer freeze it: every token was revoked. Unfreeze with your password and second factor (POST /api/v1/account/unfreeze).");
        }

        return false;
    }

    /// <summary>Counts a failed authentication from this request's address, and against <paramref name="userId"/> when it names a user; returns whether a freeze or seal happened.</summary>
    public async Task<bool> AuthenticationFailedAsync(HttpContext http, Guid? userId, string what)
    {
        var stop = false;
        foreach (var finding in bursts.Observe(userId, IpRange.Text(http.Connection.RemoteIpAddress), what, time.GetUtcNow()))
        {
            stop |= await responder.RespondAsync(http, finding);
        }

        return stop;
    }

    private static bool PresentsCredential(HttpContext http) =>
        http.Request.Headers.Authorization.Count > 0 || http.Request.Cookies.ContainsKey(Web.SessionCookie.Name);
}

/// <summary>Registration and the pipeline step of the anomaly detector.</summary>
internal static class AnomalyDetection
{
    public static IServiceCollection AddAnomalies(this IServiceCollection services)
    {
        services.AddSingleton<TokenBaselines>();
        services.AddSingleton<RateSpikes>();
        services.AddSingleton<AuthFailureBursts>();
        services.AddSingleton<AnomalyResponder>();
        services.AddSingleton<AnomalyDetector>();
        return services;
    }

    /// <summary>Right after authentication: the caller is known, and nothing has been done for it yet.</summary>
    public static IApplicationBuilder UseAnomalyDetection(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (await context.RequestServices.GetRequiredService<AnomalyDetector>().InspectAsync(context))
        {
            await next(context);
        }
    });
}
