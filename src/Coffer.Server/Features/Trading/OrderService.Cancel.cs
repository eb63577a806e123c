using Coffer.Exchanges;
using Coffer.Server.Data;
using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Connections;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Trading;

/// <summary>Cancelling: one order, or every open order of one symbol; within the acting token's exchanges and symbols.</summary>
internal sealed partial class OrderService
{
    public async Task<Results<Ok<OrderView>, ProblemHttpResult>> CancelAsync(HttpContext http, Guid userId, string actor, Guid orderId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Table<OrderRow>().SingleOrDefaultAsync(o => o.Id == orderId && o.UserId == userId, cancellationToken);
        if (row is null)
        {
            return Problem.Result(ProblemType.NotFound, "No such order.");
        }

        if (row.State != OrderStates.Open || row.ExchangeOrderId is null)
        {
            return Problem.Result(ProblemType.OrderNotCancelable, $"The order is {row.State}; only open orders can be cancelled.");
        }

        var (connector, problem) = await CancelAccessAsync(db, userId, actor, row.ConnectionId, row.Symbol, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            var canceled = await connector!.Client.CancelOrderAsync(row.ExchangeOrderId, row.Symbol, CancellationToken.None);
            OrderNames.Apply(row, canceled, StoredTime.Now(time));
        }
        catch (ExchangeException ex) when (ex.Kind == ExchangeErrorKind.NotFound)
        {
            // Already gone from the book (filled or cancelled meanwhile): read what became of it.
            OrderNames.Apply(row, await connector!.Client.FetchOrderAsync(row.ExchangeOrderId, row.Symbol, CancellationToken.None), StoredTime.Now(time));
        }
        catch (ExchangeException ex)
        {
            return Problem.Result(ex.Kind == ExchangeErrorKind.RateLimited ? ProblemType.ExchangeRateLimited : ProblemType.ExchangeUnavailable, $"{connector!.Info.Name} did not cancel the order: {ex.Message}");
        }

        await db.SaveChangesAsync(CancellationToken.None);
        await AuditCancelAsync(http, userId, actor, row.ConnectionId, row.Symbol, [row.Id.ToString()]);
        syncQueue.Request(connector.Row);
        return TypedResults.Ok(OrderView.From(row));
    }

    public async Task<Results<Ok<CancelAllView>, ProblemHttpResult>> CancelAllAsync(HttpContext http, Guid userId, string actor, CancelAllRequest body, CancellationToken cancellationToken)
    {
        if (body.ConnectionId is not { } connectionId || string.IsNullOrWhiteSpace(body.Symbol))
        {
            return Problem.Result(ProblemType.InvalidArgument, "connection_id and symbol are required: cancel-all cancels every open order of one symbol on one connection.");
        }

        var symbol = body.Symbol.Trim().ToUpperInvariant();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (connector, problem) = await CancelAccessAsync(db, userId, actor, connectionId, symbol, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (await connector!.MarketAsync(symbol, cancellationToken) is null)
        {
            return Problem.Result(ProblemType.UnknownSymbol, $"{connector.Info.Name} has no spot market {symbol}.");
        }

        try
        {
            // The orders open before, as Coffer knows them (read first: the reconciler may settle them meanwhile).
            var rows = await db.Table<OrderRow>().Where(o => o.ConnectionId == connectionId && o.Symbol == symbol && o.State == OrderStates.Open).ToListAsync(CancellationToken.None);
            await connector.Client.CancelAllOrdersAsync(symbol, CancellationToken.None);

            // Whatever the exchange's answer lists, its open orders now say what is left.
            var open = await connector.Client.FetchOpenOrdersAsync(symbol, CancellationToken.None);
            var openIds = open.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
            var canceled = new List<OrderRow>();
            foreach (var row in rows.Where(r => r.ExchangeOrderId is not null && !openIds.Contains(r.ExchangeOrderId)))
            {
                OrderNames.Apply(row, await connector.Client.FetchOrderAsync(row.ExchangeOrderId!, symbol, CancellationToken.None), StoredTime.Now(time));
                canceled.Add(row);
            }

            await db.SaveChangesAsync(CancellationToken.None);
            await AuditCancelAsync(http, userId, actor, connectionId, symbol, [.. canceled.Select(r => r.Id.ToString())]);
            syncQueue.Request(connector.Row);
            return TypedResults.Ok(new CancelAllView([.. canceled.Select(r => OrderView.From(r))]));
        }
        catch (ExchangeException ex)
        {
            return Problem.Result(ex.Kind == ExchangeErrorKind.RateLimited ? ProblemType.ExchangeRateLimited : ProblemType.ExchangeUnavailable, $"{connector.Info.Name} did not cancel: {ex.Message}");
        }
    }

    /// <summary>The connector to cancel through, within the acting token's exchanges and symbols.</summary>
    private async Task<(Portfolio.ExchangeAccess.Connector? Connector, ProblemHttpResult? Problem)> CancelAccessAsync(CofferDb db, Guid userId, string actor, Guid connectionId, string symbol, CancellationToken cancellationToken)
    {
        var connection = await db.Table<ConnectionRow>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == connectionId && c.UserId == userId, cancellationToken);
        if (connection is null)
        {
            return (null, Problem.Result(ProblemType.NotFound, "No such connection."));
        }

        var token = await tokens.FindByAccessorAsync(actor, cancellationToken);
        if (OrderGuard.Check(token?.Trading is { } t ? new TradingLimits(t.Exchanges, t.Symbols) : null, new OrderCheck(connection.Exchange, symbol, null, null, null, null, string.Empty)) is { } refusal)
        {
            return (null, Problem.Result(ProblemType.OrderConstraintViolated, refusal.Message, new Dictionary<string, object?> { ["constraint"] = refusal.Constraint }));
        }

        if (vault.IsSealed)
        {
            return (null, Problem.Result(ProblemType.Sealed, "The vault is sealed: nothing can be signed."));
        }

        return await access.OpenAsync(connection, cancellationToken) is { } connector
            ? (connector, null)
            : (null, Problem.Result(ProblemType.ConnectionLocked, "The connection's key is not usable now (locked, frozen or revoked)."));
    }

    private async Task AuditCancelAsync(HttpContext http, Guid userId, string actor, Guid connectionId, string symbol, IReadOnlyList<string> orders)
    {
        try
        {
            await audit.AppendAsync(
                new AuditEntry("order.cancel", AuditOutcome.Success) { Actor = actor, UserId = userId, Target = connectionId.ToString(), ClientIp = http.Connection.RemoteIpAddress?.ToString() }
                    .With("symbol", symbol).With("orders", string.Join(' ', orders)),
                CancellationToken.None);
        }
        catch (AuditUnavailableException)
        {
            LogRefusalNotAudited(logger, actor);
        }
    }
}
