using System.Diagnostics;
using Coffer.Exchanges.Transport;
using Coffer.Server.Data;
using Coffer.Server.Features.Tokens;
using Coffer.Vault;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Metrics;

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text format (DESIGN §7), for an admin token or a scrape token holding only
/// <c>metrics:read</c>. It answers while sealed — seal state is itself a metric, and tokens are checked by their
/// SHA-256 hash in the database, which needs no key from the vault — so an operator's dashboard shows the sealed server
/// rather than a scrape error.
/// </summary>
internal static class MetricsEndpoints
{
    public const string Path = "/metrics";
    public const string ReadPolicy = "metrics:read";

    private static readonly HashSet<string> Methods = new(StringComparer.OrdinalIgnoreCase)
    {
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
    };

    public static IServiceCollection AddCofferMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<CofferMetrics>();
        services.Configure<AuthorizationOptions>(options => options.AddPolicy(
            ReadPolicy,
            policy => policy.RequireClaim(TokenAuthenticationHandler.ScopeClaim, Scopes.Admin, Scopes.MetricsRead)));
        return services;
    }

    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider;
        services.GetRequiredService<CofferMetrics>().ObserveGauges(services.GetRequiredService<CofferVault>(), services.GetRequiredService<RequestBudgets>());
        app.MapGet(Path, Scrape).WithTags("metrics").RequireAuthorization(ReadPolicy).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Counts every request once its response is complete, by the route template the router matched (remembered by
    /// <see cref="AccessLogMiddleware.UseAccessLogRoute"/>, so a request the exception handler re-ran keeps it). Runs
    /// outside the exception handler, so the status counted is the one the client got.
    /// </summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var route = context.Items[AccessLogMiddleware.RouteItem] as string
                ?? (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText
                ?? "(unmatched)";

            // Methods are the client's to choose; anything unusual is one label value, not one per spelling.
            var method = Methods.Contains(context.Request.Method) ? context.Request.Method.ToUpperInvariant() : "OTHER";
            context.RequestServices.GetRequiredService<CofferMetrics>().Request(method, route, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
        }
    });

    internal static async Task<ContentHttpResult> Scrape(CofferMetrics metrics, IDbContextFactory<CofferDb> factory, TimeProvider time, HttpResponse response, CancellationToken cancellationToken)
    {
        await metrics.RefreshSyncLagAsync(factory, time, cancellationToken);
        response.Headers.CacheControl = "no-store";
        return TypedResults.Text(PrometheusText.Write(metrics.Collector.Collect()), PrometheusText.ContentType);
    }
}
