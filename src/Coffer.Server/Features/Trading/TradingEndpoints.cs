using System.Security.Claims;
using Coffer.Server.Data;
using Coffer.Server.Features.Identity;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Trading;

/// <summary><c>/api/v1/orders</c> (DESIGN §6): place exactly once, follow, cancel; history with filters and paging.</summary>
internal static class TradingEndpoints
{
    public const string ReadPolicy = "orders:read";
    public const string WritePolicy = "orders:write";

    public static IServiceCollection AddTrading(this IServiceCollection services)
    {
        services.AddSingleton<OrderService>();
        services.AddSingleton<OrderReconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<OrderReconciler>());
        return services;
    }

    public static AuthorizationBuilder AddTradingPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(ReadPolicy, p => p.RequireClaim(TokenAuthenticationHandler.ScopeClaim, Scopes.OrdersRead))
        .AddPolicy(WritePolicy, p => p.RequireClaim(TokenAuthenticationHandler.ScopeClaim, Scopes.OrdersWrite));

    public static IEndpointRouteBuilder MapTradingEndpoints(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/v1/orders").WithTags("orders");
        orders.MapPost(string.Empty, Place).RequireAuthorization(WritePolicy);
        orders.MapGet(string.Empty, List).RequireAuthorization(ReadPolicy);
        orders.MapGet("/{id:guid}", Get).RequireAuthorization(ReadPolicy);
        orders.MapDelete("/{id:guid}", Cancel).RequireAuthorization(WritePolicy);
        orders.MapPost("/cancel-all", CancelAll).RequireAuthorization(WritePolicy);
        return app;
    }

    internal static Task<Results<Created<OrderView>, Accepted<OrderView>, Ok<OrderView>, ProblemHttpResult>> Place(PlaceOrderRequest request, HttpContext http, OrderService orders, CancellationToken cancellationToken) =>
        orders.PlaceAsync(http, UserId(http.User), Accessor(http.User), request, cancellationToken);

    internal static Task<Results<Ok<OrderView>, ProblemHttpResult>> Cancel(Guid id, HttpContext http, OrderService orders, CancellationToken cancellationToken) =>
        orders.CancelAsync(http, UserId(http.User), Accessor(http.User), id, cancellationToken);

    internal static Task<Results<Ok<CancelAllView>, ProblemHttpResult>> CancelAll(CancelAllRequest request, HttpContext http, OrderService orders, CancellationToken cancellationToken) =>
        orders.CancelAllAsync(http, UserId(http.User), Accessor(http.User), request, cancellationToken);

    internal static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Get(Guid id, HttpContext http, IDbContextFactory<CofferDb> factory, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var userId = UserId(http.User);
        var row = await db.Table<OrderRow>().AsNoTracking().SingleOrDefaultAsync(o => o.Id == id && o.UserId == userId, cancellationToken);
        return row is null ? Problem.Result(ProblemType.NotFound, "No such order.") : TypedResults.Ok(OrderView.From(row));
    }

    internal static async Task<Results<Ok<Page<OrderView>>, ProblemHttpResult>> List(HttpContext http, IDbContextFactory<CofferDb> factory, CancellationToken cancellationToken)
    {
        var (query, error) = HistoryQuery.From(http.Request);
        if (query is null)
        {
            return Problem.Result(ProblemType.InvalidArgument, error);
        }

        if (query.State is { } state && !IsState(state))
        {
            return Problem.Result(ProblemType.InvalidArgument, "state must be one of recorded, sent, open, closed, canceled, expired, rejected, failed.");
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var userId = UserId(http.User);
        var rows = db.Table<OrderRow>().AsNoTracking().Where(o => o.UserId == userId);
        rows = query.ConnectionId is { } c ? rows.Where(o => o.ConnectionId == c) : rows;
        rows = query.Exchange is { } e ? rows.Where(o => o.Exchange == e) : rows;
        rows = query.Symbol is { } s ? rows.Where(o => o.Symbol == s) : rows;
        rows = query.Side is { } side ? rows.Where(o => o.Side == side) : rows;
        rows = query.State is { } st ? rows.Where(o => o.State == st) : rows;
        rows = query.Since is { } since ? rows.Where(o => o.CreatedAt >= since) : rows;
        rows = query.Until is { } until ? rows.Where(o => o.CreatedAt < until) : rows;
        var (items, next) = await query.PageAsync(rows, o => o.CreatedAt, o => o.CreatedAt, o => o.Id, cancellationToken);
        return TypedResults.Ok(new Page<OrderView>([.. items.Select(o => OrderView.From(o))], next));
    }

    private static bool IsState(string state) => state is OrderStates.Recorded or OrderStates.Sent or OrderStates.Open or OrderStates.Closed
        or OrderStates.Canceled or OrderStates.Expired or OrderStates.Rejected or OrderStates.Failed;

    internal static Guid UserId(ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!);

    internal static string Accessor(ClaimsPrincipal user) => user.FindFirstValue(TokenAuthenticationHandler.AccessorClaim)!;
}
