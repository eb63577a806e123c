using Coffer.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coffer.Server.Features.Trading;

/// <summary>
/// One order of a user on one connection. Orders Coffer places are written in state <see cref="OrderStates.Recorded"/>
/// before anything is sent, carry a client order id derived from the request's idempotency key, and move through
/// <see cref="OrderStates.Sent"/> to what the exchange says; orders placed elsewhere arrive by sync with origin
/// <c>exchange</c>. Amounts in the base currency, prices and costs in the quote.
/// </summary>
internal sealed class OrderRow
{
    public const string FromCoffer = "coffer";
    public const string FromExchange = "exchange";

    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public Guid ConnectionId { get; set; }

    public required string Exchange { get; set; }

    public required string Symbol { get; set; }

    public required string Side { get; set; }

    public required string Type { get; set; }

    public required string State { get; set; }

    public required string Origin { get; set; }

    public string? ClientOrderId { get; set; }

    public string? ExchangeOrderId { get; set; }

    public string? IdempotencyKey { get; set; }

    /// <summary>SHA-256 of the normalized request, so a key reused for a different order is refused, not replayed.</summary>
    public string? RequestHash { get; set; }

    /// <summary>The accessor of the token that placed it.</summary>
    public string? Actor { get; set; }

    /// <summary>The placing token's ancestors and itself, root first, space-separated: whose daily volume it counts in.</summary>
    public string? ActorChain { get; set; }

    public decimal? Amount { get; set; }

    public decimal? Price { get; set; }

    public decimal? TriggerPrice { get; set; }

    /// <summary>For a market buy by value: the quote currency to spend.</summary>
    public decimal? QuoteAmount { get; set; }

    public string? TimeInForce { get; set; }

    public bool PostOnly { get; set; }

    public decimal? Filled { get; set; }

    public decimal? Average { get; set; }

    public decimal? FilledCost { get; set; }

    public string? FeeCurrency { get; set; }

    public decimal? FeeCost { get; set; }

    /// <summary>The order's value when it was placed, in <see cref="NotionalCurrency"/> (the user's currency).</summary>
    public decimal? Notional { get; set; }

    public string? NotionalCurrency { get; set; }

    /// <summary>Why the exchange refused it, or why it was never sent.</summary>
    public string? Error { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class OrderRowConfiguration : IEntityTypeConfiguration<OrderRow>
{
    public void Configure(EntityTypeBuilder<OrderRow> e)
    {
        e.ToTable("orders");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(x => x.UserId).HasColumnName("user_id");
        e.Property(x => x.ConnectionId).HasColumnName("connection_id");
        e.Property(x => x.Exchange).HasColumnName("exchange");
        e.Property(x => x.Symbol).HasColumnName("symbol");
        e.Property(x => x.Side).HasColumnName("side");
        e.Property(x => x.Type).HasColumnName("type");
        e.Property(x => x.State).HasColumnName("state");
        e.Property(x => x.Origin).HasColumnName("origin");
        e.Property(x => x.ClientOrderId).HasColumnName("client_order_id");
        e.Property(x => x.ExchangeOrderId).HasColumnName("exchange_order_id");
        e.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key");
        e.Property(x => x.RequestHash).HasColumnName("request_hash");
        e.Property(x => x.Actor).HasColumnName("actor");
        e.Property(x => x.ActorChain).HasColumnName("actor_chain");
        e.Property(x => x.Amount).HasColumnName("amount");
        e.Property(x => x.Price).HasColumnName("price");
        e.Property(x => x.TriggerPrice).HasColumnName("trigger_price");
        e.Property(x => x.QuoteAmount).HasColumnName("quote_amount");
        e.Property(x => x.TimeInForce).HasColumnName("time_in_force");
        e.Property(x => x.PostOnly).HasColumnName("post_only");
        e.Property(x => x.Filled).HasColumnName("filled");
        e.Property(x => x.Average).HasColumnName("average");
        e.Property(x => x.FilledCost).HasColumnName("filled_cost");
        e.Property(x => x.FeeCurrency).HasColumnName("fee_currency");
        e.Property(x => x.FeeCost).HasColumnName("fee_cost");
        e.Property(x => x.Notional).HasColumnName("notional");
        e.Property(x => x.NotionalCurrency).HasColumnName("notional_currency");
        e.Property(x => x.Error).HasColumnName("error");
        e.Property(x => x.CreatedAt).HasColumnName("created_at").AsUtc();
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at").AsUtc();
        e.HasIndex(x => new { x.UserId, x.IdempotencyKey }).IsUnique().HasDatabaseName("ux_orders_user_idempotency_key");
        e.HasIndex(x => new { x.ConnectionId, x.ClientOrderId }).IsUnique().HasDatabaseName("ux_orders_connection_client_order_id");
        e.HasIndex(x => new { x.ConnectionId, x.ExchangeOrderId }).IsUnique().HasDatabaseName("ux_orders_connection_exchange_order_id");
        e.HasIndex(x => new { x.UserId, x.CreatedAt }).HasDatabaseName("ix_orders_user_created_at");
        e.HasIndex(x => x.State).HasDatabaseName("ix_orders_state");
    }
}

/// <summary>An order's life in Coffer. Recorded and sent are unconfirmed: reconciliation settles them by client order id.</summary>
internal static class OrderStates
{
    /// <summary>Written, not yet sent (a crash here leaves an order the exchange may never have seen).</summary>
    public const string Recorded = "recorded";

    /// <summary>Sent; the exchange's answer is not known yet (in flight, or lost to a timeout or a crash).</summary>
    public const string Sent = "sent";

    public const string Open = "open";
    public const string Closed = "closed";
    public const string Canceled = "canceled";
    public const string Expired = "expired";

    /// <summary>The exchange refused it.</summary>
    public const string Rejected = "rejected";

    /// <summary>Never placed: reconciliation found that the exchange does not have it.</summary>
    public const string Failed = "failed";

    public static bool IsUnconfirmed(string state) => state is Recorded or Sent;

    public static bool IsFinal(string state) => state is Closed or Canceled or Expired or Rejected or Failed;
}
