using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Coffer.Exchanges;
using Coffer.Exchanges.Model;
using Coffer.Server.Data;
using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Connections;
using Coffer.Server.Features.Identity;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Features.Portfolio;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Problems;
using Coffer.Vault;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Trading;

/// <summary>
/// Places orders exactly once (DESIGN §6). In order, and before anything reaches an exchange: the request's shape, its
/// idempotency key (a key already used answers with that order, never a second one), the connection (usable, able to
/// trade), the market's rules (<see cref="OrderRules"/>), the acting token's limits (<see cref="OrderGuard"/>) and
/// step-up above the user's threshold. Then the order is recorded with a client order id derived from the key, marked
/// sent, and sent; an answer that does not say whether it was placed leaves it sent, to be settled by
/// <see cref="OrderReconciler"/> through that client order id.
/// </summary>
internal sealed partial class OrderService(
    IDbContextFactory<CofferDb> factory,
    ExchangeAccess access,
    Pricing pricing,
    TokenStore tokens,
    StepUp stepUp,
    AuditLog audit,
    INotifier notifier,
    CofferVault vault,
    SyncQueue syncQueue,
    TimeProvider time,
    ILogger<OrderService> logger)
{
    /// <summary>
    /// Orders of one user are judged and recorded one at a time, so two orders cannot both fit a daily cap that holds one:
    /// on this node by a gate per user, across nodes (PostgreSQL) by a transaction-scoped advisory lock on the user.
    /// </summary>
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _userGates = new();

    /// <summary>The first key of the per-user advisory lock (pg_advisory_xact_lock(int, int)): "Cofo".</summary>
    private const int UserOrderLockClass = 0x436F666F;

    public async Task<Results<Created<OrderView>, Accepted<OrderView>, Ok<OrderView>, ProblemHttpResult>> PlaceAsync(HttpContext http, Guid userId, string actor, PlaceOrderRequest body, CancellationToken cancellationToken)
    {
        if (!IdempotencyKeys.TryRead(http.Request, out var key))
        {
            return Problem.Result(ProblemType.IdempotencyKeyRequired, $"Send one '{IdempotencyKeys.Header}' header of 1 to {IdempotencyKeys.MaxLength} printable characters (a new UUID per order). Sending the same request again with the same key returns the same order; it is never placed twice.");
        }

        if (Parse(body) is not { } parsed)
        {
            return Problem.Result(ProblemType.InvalidArgument, ParseError(body));
        }

        var hash = Hash(parsed);
        if (await ReplayAsync(userId, key, hash, http, cancellationToken) is { } replay)
        {
            return replay;
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var connection = await db.Table<ConnectionRow>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == parsed.ConnectionId && c.UserId == userId, cancellationToken);
        if (connection is null)
        {
            return Problem.Result(ProblemType.NotFound, "No such connection. List yours with GET /api/v1/connections.");
        }

        if (!connection.CanTrade)
        {
            return Problem.Result(ProblemType.ConnectionCannotTrade, $"The key of '{connection.Label}' can only read. Create a key with trading enabled on {connection.Exchange} (never withdrawals) and replace it with PUT /api/v1/connections/{connection.Id}/key.");
        }

        if (vault.IsSealed)
        {
            return Problem.Result(ProblemType.Sealed, "The vault is sealed: nothing can be signed, so no order is placed.");
        }

        if (await access.OpenAsync(connection, cancellationToken) is not { } connector)
        {
            return Problem.Result(ProblemType.ConnectionLocked, connection.Status == ConnectionRow.Locked ? connection.LockReason : "The connection's key is no longer usable (the account was frozen or the credential revoked); nothing was sent. Enter the key again to trade.");
        }

        Market? market;
        IReadOnlyList<Ticker> tickers;
        try
        {
            market = await connector.MarketAsync(parsed.Request.Symbol, cancellationToken);
            tickers = market is null ? [] : await connector.TickersAsync(cancellationToken);
        }
        catch (ExchangeException ex)
        {
            return Problem.Result(ProblemType.ExchangeUnavailable, $"{connector.Info.Name}'s markets could not be read ({ex.Message}); nothing was sent. Try again.");
        }

        if (market is null)
        {
            return Problem.Result(ProblemType.UnknownSymbol, $"{connector.Info.Name} has no spot market {parsed.Request.Symbol}. Symbols are BASE/QUOTE, e.g. BTC/USDT; list them with GET /api/v1/markets?connection_id={connection.Id}.");
        }

        var ticker = tickers.FirstOrDefault(t => t.Symbol == market.Symbol);
        var reference = ReferencePrice(ticker);
        var rules = connector.Info.Check(parsed.Request, market, reference);
        if (rules.Violation is { } violation)
        {
            return Problem.Result(ProblemType.OrderRuleViolated, violation.Message, new Dictionary<string, object?> { ["constraint"] = violation.Rule });
        }

        var order = rules.Order!;
        var gate = _userGates.GetOrAdd(userId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        OrderRow row;
        try
        {
            // The lock holds until the order is recorded (RecordAsync commits this transaction) or refused (rolled back).
            await using var judging = db.Database.IsNpgsql() ? await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken) : null;
            if (judging is not null)
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({UserOrderLockClass}, {UserLockKey(userId)})", cancellationToken);
            }

            // Again inside the gate: a concurrent request with the same key may have recorded the order meanwhile (and
            // used the step-up code this one carries).
            if (await ReplayAsync(userId, key, hash, http, cancellationToken) is { } concurrent)
            {
                return concurrent;
            }

            var preferences = await PortfolioPreferences.LoadAsync(db, userId, cancellationToken);
            var prices = await pricing.ForUserAsync(userId, cancellationToken);
            var quoteValue = QuoteValue(order, reference);
            var notional = quoteValue is { } q ? prices.Convert(q, market.Quote, preferences.Currency, connection.Exchange) : null;
            var chain = await ChainAsync(actor, cancellationToken);
            if (chain.Count == 0)
            {
                return Problem.Result(ProblemType.Unauthorized, "The calling token is no longer valid.");
            }

            var check = new OrderCheck(connection.Exchange, market.Symbol, order.Price, order.TriggerPrice, reference, notional, preferences.Currency);
            if ((OrderGuard.Check(chain[^1].Trading, check) ?? await DailyVolumeAsync(db, userId, chain, notional, preferences.Currency, cancellationToken)) is { } refusal)
            {
                await AuditRefusalAsync(http, userId, actor, connection, market.Symbol, refusal, cancellationToken);
                return Problem.Result(ProblemType.OrderConstraintViolated, refusal.Message, new Dictionary<string, object?> { ["constraint"] = refusal.Constraint });
            }

            if (notional is not { } value || value >= preferences.StepUpThreshold)
            {
                // An order of unknown value counts as large: fail closed.
                if (await stepUp.VerifyAsync(http, cancellationToken) is { } stepUpProblem)
                {
                    return stepUpProblem;
                }
            }

            var now = StoredTime.Now(time);
            row = new OrderRow
            {
                Id = Guid.NewGuid(),
                UserId = userId,
                ConnectionId = connection.Id,
                Exchange = connection.Exchange,
                Symbol = market.Symbol,
                Side = OrderNames.Of(order.Request.Side),
                Type = OrderNames.Of(order.Request.Type),
                State = OrderStates.Recorded,
                Origin = OrderRow.FromCoffer,
                ClientOrderId = ClientOrderIds.For(userId, key),
                IdempotencyKey = key,
                RequestHash = hash,
                Actor = actor,
                ActorChain = string.Join(' ', chain.Select(t => t.Accessor)),
                Amount = order.Amount,
                Price = order.Price,
                TriggerPrice = order.TriggerPrice,
                QuoteAmount = order.QuoteToSpend,
                TimeInForce = order.Request.TimeInForce is { } tif ? OrderNames.Of(tif) : null,
                PostOnly = order.Request.PostOnly,
                Notional = notional is { } n ? decimal.Round(n, 8) : null,
                NotionalCurrency = preferences.Currency,
                CreatedAt = now,
                UpdatedAt = now,
            };

            if (!await RecordAsync(db, row, http, cancellationToken))
            {
                // Another request with the same key recorded it first: this one answers with that order.
                return await ReplayAsync(userId, key, hash, http, cancellationToken) ?? throw new InvalidOperationException("An order with this key was recorded but cannot be read.");
            }
        }
        finally
        {
            gate.Release();
        }

        var result = await SendAsync(connector, row, order.Request with { ClientOrderId = row.ClientOrderId }, cancellationToken);
        syncQueue.Request(connection);
        if (row.Notional is { } placed && placed >= (await PreferencesAsync(userId, cancellationToken)).StepUpThreshold)
        {
            await notifier.NotifyAsync(userId, NotificationKind.OrderLarge, $"Large order on {connection.Exchange}", $"A {row.Side} order of {Precision.Format(row.Amount ?? 0)} {market.Base} on {market.Symbol} worth about {Precision.Format(placed)} {row.NotionalCurrency} was placed by token {actor}.", new Dictionary<string, string> { ["order"] = row.Id.ToString(), ["exchange"] = row.Exchange, ["symbol"] = row.Symbol }, CancellationToken.None);
        }

        return result(order.Adjustments);
    }

    /// <summary>Sends a recorded order and records what the exchange said. Never throws for an exchange's answer.</summary>
    private async Task<Func<IReadOnlyList<string>, Results<Created<OrderView>, Accepted<OrderView>, Ok<OrderView>, ProblemHttpResult>>> SendAsync(ExchangeAccess.Connector connector, OrderRow row, OrderRequest request, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
        db.Attach(row);
        row.State = OrderStates.Sent;
        row.UpdatedAt = StoredTime.Now(time);
        await db.SaveChangesAsync(CancellationToken.None);
        try
        {
            // Not the caller's token from here on: a client that hangs up must not leave an order half-known.
            var placed = await connector.Client.CreateOrderAsync(request, CancellationToken.None);
            OrderNames.Apply(row, placed, StoredTime.Now(time));
            await db.SaveChangesAsync(CancellationToken.None);
            LogPlaced(logger, row.Exchange, row.Id, row.State);
            return adjustments => TypedResults.Created($"/api/v1/orders/{row.Id}", OrderView.From(row, adjustments));
        }
        catch (ExchangeException ex) when (!NotPlaced(ex))
        {
            // The answer did not say (timeout, 5xx, connection lost): ask by client order id once now, else leave it sent.
            LogUnknown(logger, row.Exchange, row.Id, ex.Kind);
            try
            {
                if (await connector.Client.FetchOrderByClientOrderIdAsync(row.ClientOrderId!, row.Symbol, CancellationToken.None) is { } found)
                {
                    OrderNames.Apply(row, found, StoredTime.Now(time));
                    await db.SaveChangesAsync(CancellationToken.None);
                    return adjustments => TypedResults.Created($"/api/v1/orders/{row.Id}", OrderView.From(row, adjustments));
                }
            }
            catch (ExchangeException)
            {
                // Still unknown: the reconciler settles it.
            }

            row.Error = $"{ex.Kind}: {ex.Message} Whether the exchange placed the order is not known yet; Coffer is checking by its client order id and will never send it again.";
            row.UpdatedAt = StoredTime.Now(time);
            await db.SaveChangesAsync(CancellationToken.None);
            return adjustments => TypedResults.Accepted($"/api/v1/orders/{row.Id}", OrderView.From(row, adjustments));
        }
        catch (ExchangeException ex)
        {
            row.State = OrderStates.Rejected;
            row.Error = $"{ex.Kind}: {ex.Message}";
            row.UpdatedAt = StoredTime.Now(time);
            await db.SaveChangesAsync(CancellationToken.None);
            var type = ex.Kind == ExchangeErrorKind.RateLimited ? ProblemType.ExchangeRateLimited : ProblemType.OrderRejected;
            return _ => Problem.Result(type, $"{connector.Info.Name} refused the order: {ex.Message} It was not placed (order {row.Id}, state rejected).");
        }
        catch (VaultException ex)
        {
            // Signing failed (sealed while the order was on its way): nothing left Coffer.
            row.State = OrderStates.Failed;
            row.Error = $"Not sent: the vault could not sign it ({ex.Code}).";
            row.UpdatedAt = StoredTime.Now(time);
            await db.SaveChangesAsync(CancellationToken.None);
            return _ => Problem.Result(ProblemType.Sealed, row.Error);
        }
    }

    /// <summary>Exchange answers that say the order was not placed (it was refused, or never left the request budget).</summary>
    internal static bool NotPlaced(ExchangeException ex) => ex.Kind is ExchangeErrorKind.Authentication or ExchangeErrorKind.Permission
        or ExchangeErrorKind.InvalidOrder or ExchangeErrorKind.InsufficientFunds or ExchangeErrorKind.RateLimited
        or ExchangeErrorKind.Timestamp or ExchangeErrorKind.Nonce or ExchangeErrorKind.BadRequest;

    /// <summary>The second key of the per-user advisory lock: users whose keys collide merely wait for each other.</summary>
    private static int UserLockKey(Guid userId) => BitConverter.ToInt32(userId.ToByteArray(), 0);

    /// <summary>
    /// Inserts the recorded order and its audit record in one transaction (the caller's judging transaction where there
    /// is one, which releases the user's lock as it commits); false when the key was taken meanwhile.
    /// </summary>
    private async Task<bool> RecordAsync(CofferDb db, OrderRow row, HttpContext http, CancellationToken cancellationToken)
    {
        try
        {
            var judging = db.Database.CurrentTransaction;
            await using var own = judging is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
            var transaction = own ?? judging!;
            db.Add(row);
            await db.SaveChangesAsync(cancellationToken);
            await audit.AppendAsync(
                db,
                new AuditEntry("order.place", AuditOutcome.Success) { Actor = row.Actor ?? AuditEntry.SystemActor, UserId = row.UserId, Target = row.Id.ToString(), ClientIp = http.Connection.RemoteIpAddress?.ToString() }
                    .With("exchange", row.Exchange).With("symbol", row.Symbol).With("side", row.Side).With("type", row.Type)
                    .With("amount", row.Amount?.ToString(CultureInfo.InvariantCulture)).With("price", row.Price?.ToString(CultureInfo.InvariantCulture))
                    .With("notional", row.Notional?.ToString(CultureInfo.InvariantCulture)).With("client_order_id", row.ClientOrderId),
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            await using var check = await factory.CreateDbContextAsync(CancellationToken.None);
            if (await check.Table<OrderRow>().AnyAsync(o => o.UserId == row.UserId && o.IdempotencyKey == row.IdempotencyKey, CancellationToken.None))
            {
                return false;
            }

            throw;
        }
    }

    private async Task<Results<Created<OrderView>, Accepted<OrderView>, Ok<OrderView>, ProblemHttpResult>?> ReplayAsync(Guid userId, string key, string hash, HttpContext http, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var existing = await db.Table<OrderRow>().AsNoTracking().SingleOrDefaultAsync(o => o.UserId == userId && o.IdempotencyKey == key, cancellationToken);
        if (existing is null)
        {
            return null;
        }

        if (existing.RequestHash != hash)
        {
            return Problem.Result(ProblemType.IdempotencyKeyReused, $"The key '{key}' was used for another order ({existing.Id}). Use a new key for a new order.");
        }

        http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Ok(OrderView.From(existing));
    }

    /// <summary>The acting token and its ancestors, root first; empty when the token is gone.</summary>
    private async Task<List<TokenInfo>> ChainAsync(string accessor, CancellationToken cancellationToken)
    {
        var chain = new List<TokenInfo>();
        string? next = accessor;
        while (next is not null && chain.Count < 64)
        {
            if (await tokens.FindByAccessorAsync(next, cancellationToken) is not { } token)
            {
                return [];
            }

            chain.Insert(0, token);
            next = token.ParentAccessor;
        }

        return chain;
    }

    /// <summary>
    /// Every token of the chain with a daily cap: what its branch placed in the last 24 hours (orders not refused, at
    /// their filled share once final), plus this order, must fit.
    /// </summary>
    private async Task<Refusal?> DailyVolumeAsync(CofferDb db, Guid userId, List<TokenInfo> chain, decimal? notional, string currency, CancellationToken cancellationToken)
    {
        var capped = chain.Where(t => t.Trading?.DailyVolumeCap is not null).ToList();
        if (capped.Count == 0)
        {
            return null;
        }

        var since = time.GetUtcNow().AddDays(-1);
        var recent = await db.Table<OrderRow>().AsNoTracking()
            .Where(o => o.UserId == userId && o.Origin == OrderRow.FromCoffer && o.CreatedAt >= since && o.State != OrderStates.Rejected && o.State != OrderStates.Failed && o.ActorChain != null)
            .Select(o => new { o.ActorChain, o.Notional, o.NotionalCurrency, o.State, o.Amount, o.Filled })
            .ToListAsync(cancellationToken);
        foreach (var token in capped)
        {
            var used = recent.Where(o => o.ActorChain!.Split(' ').Contains(token.Accessor, StringComparer.Ordinal)).Sum(o =>
            {
                // An order valued in another currency (the user changed it since) counts at its full value: never less than it was.
                var value = o.Notional ?? 0;
                return OrderStates.IsFinal(o.State) && o.Amount is > 0 && o.Filled is { } filled && o.NotionalCurrency == currency ? value * Math.Min(1, filled / o.Amount.Value) : value;
            });
            if (OrderGuard.CheckDailyVolume(token.Trading!.DailyVolumeCap!.Value, used, notional, currency, token.Accessor) is { } refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    private async Task AuditRefusalAsync(HttpContext http, Guid userId, string actor, ConnectionRow connection, string symbol, Refusal refusal, CancellationToken cancellationToken)
    {
        try
        {
            await audit.AppendAsync(
                new AuditEntry("order.refused", AuditOutcome.Denied) { Actor = actor, UserId = userId, Target = connection.Id.ToString(), ClientIp = http.Connection.RemoteIpAddress?.ToString() }
                    .With("exchange", connection.Exchange).With("symbol", symbol).With("constraint", refusal.Constraint),
                cancellationToken);
        }
        catch (AuditUnavailableException)
        {
            // The order is refused either way.
            LogRefusalNotAudited(logger, actor);
        }
    }

    private async Task<PortfolioPreferences> PreferencesAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await PortfolioPreferences.LoadAsync(db, userId, cancellationToken);
    }

    /// <summary>The market's current price: the last trade, else the middle of bid and ask.</summary>
    internal static decimal? ReferencePrice(Ticker? ticker) => ticker switch
    {
        { Last: > 0 } => ticker.Last,
        { Bid: > 0, Ask: > 0 } => (ticker.Bid.Value + ticker.Ask.Value) / 2,
        _ => null,
    };

    /// <summary>The order's value in the quote currency: what it spends, or its amount at its price (a market order at the market's).</summary>
    private static decimal? QuoteValue(CheckedOrder order, decimal? reference) =>
        order.QuoteToSpend ?? (order.Amount is { } amount ? amount * (order.Price ?? order.TriggerPrice ?? reference) : null);

    private sealed record ParsedOrder(Guid ConnectionId, OrderRequest Request, RoundingPolicy Policy);

    private static ParsedOrder? Parse(PlaceOrderRequest body)
    {
        if (body.ConnectionId is not { } connectionId || string.IsNullOrWhiteSpace(body.Symbol) || body.Symbol.Length > 64
            || !OrderNames.TryParseSide(body.Side, out var side) || !OrderNames.TryParseType(body.Type, out var type))
        {
            return null;
        }

        TimeInForce? tif = null;
        if (body.TimeInForce is { } tifText)
        {
            if (!OrderNames.TryParseTimeInForce(tifText, out var parsedTif))
            {
                return null;
            }

            tif = parsedTif;
        }

        if (body.Amount is <= 0 || body.Cost is <= 0 || body.Price is <= 0 || body.TriggerPrice is <= 0)
        {
            return null;
        }

        var policy = body.Rounding switch
        {
            null or "round" => RoundingPolicy.Round,
            "strict" => RoundingPolicy.Strict,
            _ => (RoundingPolicy?)null,
        };
        if (policy is null)
        {
            return null;
        }

        return new ParsedOrder(connectionId, new OrderRequest
        {
            Symbol = body.Symbol.Trim().ToUpperInvariant(),
            Side = side,
            Type = type,
            Amount = body.Amount,
            Cost = body.Cost,
            Price = body.Price,
            TriggerPrice = body.TriggerPrice,
            TimeInForce = tif,
            PostOnly = body.PostOnly ?? false,
            Rounding = policy.Value,
        }, policy.Value);
    }

    private static string ParseError(PlaceOrderRequest body) =>
        body.ConnectionId is null ? "connection_id is required (GET /api/v1/connections lists yours)."
        : string.IsNullOrWhiteSpace(body.Symbol) || body.Symbol.Length > 64 ? "symbol is required, as BASE/QUOTE (e.g. BTC/USDT)."
        : !OrderNames.TryParseSide(body.Side, out _) ? "side must be buy or sell."
        : !OrderNames.TryParseType(body.Type, out _) ? "type must be market, limit, stop_loss, stop_limit, take_profit or take_profit_limit."
        : body.TimeInForce is { } tif && !OrderNames.TryParseTimeInForce(tif, out _) ? "time_in_force must be GTC, IOC or FOK."
        : body.Rounding is not (null or "round" or "strict") ? "rounding must be round (the default: off-step values are rounded as the exchange would) or strict (refused instead)."
        : "amount, cost, price and trigger_price must be positive when given.";

    /// <summary>SHA-256 of the request in one normal form: the same order asked twice hashes alike whatever the JSON looked like.</summary>
    private static string Hash(ParsedOrder order)
    {
        var r = order.Request;
        static string D(decimal? d) => d is { } v ? Precision.Format(v) : "-";
        var text = string.Join('\n', order.ConnectionId.ToString("N"), r.Symbol, r.Side, r.Type, D(r.Amount), D(r.Cost), D(r.Price), D(r.TriggerPrice), r.TimeInForce?.ToString() ?? "-", r.PostOnly ? "1" : "0", order.Policy);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {Order} placed on {Exchange}: {State}")]
    private static partial void LogPlaced(ILogger logger, string exchange, Guid order, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {Order} on {Exchange}: the exchange's answer did not say whether it was placed ({Kind}); reconciling by client order id")]
    private static partial void LogUnknown(ILogger logger, string exchange, Guid order, ExchangeErrorKind kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "A refused order of token {Actor} could not be audited")]
    private static partial void LogRefusalNotAudited(ILogger logger, string actor);
}
