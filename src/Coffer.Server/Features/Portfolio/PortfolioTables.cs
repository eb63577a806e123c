using Coffer.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coffer.Server.Features.Portfolio;

/// <summary>A user's valuation currency and the order value (in that currency) above which placing an order needs step-up.</summary>
internal sealed class PortfolioSettingsRow
{
    public Guid UserId { get; set; }

    public required string Currency { get; set; }

    public decimal StepUpThreshold { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One fill of the account, as the exchange reported it.</summary>
internal sealed class TradeRow
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public Guid ConnectionId { get; set; }

    public required string Exchange { get; set; }

    public required string TradeId { get; set; }

    public string? OrderId { get; set; }

    public required string Symbol { get; set; }

    public required string Base { get; set; }

    public required string Quote { get; set; }

    public string? Side { get; set; }

    public decimal Price { get; set; }

    public decimal Amount { get; set; }

    public decimal Cost { get; set; }

    public string? FeeCurrency { get; set; }

    public decimal? FeeCost { get; set; }

    public string? TakerOrMaker { get; set; }

    public DateTimeOffset TradedAt { get; set; }
}

/// <summary>The latest balance of one currency on one connection.</summary>
internal sealed class BalanceRow
{
    public Guid ConnectionId { get; set; }

    public required string Currency { get; set; }

    public Guid UserId { get; set; }

    public decimal? Free { get; set; }

    public decimal? Used { get; set; }

    public decimal Total { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Where incremental sync resumes: the newest item seen per connection, kind and symbol (empty: the whole account).</summary>
internal sealed class SyncCursorRow
{
    public const string Trades = "trades";
    public const string Orders = "orders";

    public Guid ConnectionId { get; set; }

    public required string Kind { get; set; }

    public required string Symbol { get; set; }

    public DateTimeOffset? Since { get; set; }

    public DateTimeOffset FetchedAt { get; set; }
}

/// <summary>What the last sync of a connection fetched and what it could not (<see cref="Detail"/>: the parts, as JSON).</summary>
internal sealed class SyncCoverageRow
{
    public const string Complete = "complete";
    public const string Partial = "partial";
    public const string Failed = "failed";

    public Guid ConnectionId { get; set; }

    public Guid UserId { get; set; }

    public required string Status { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset FinishedAt { get; set; }

    public DateTimeOffset? LastCompleteAt { get; set; }

    public required string Detail { get; set; }
}

/// <summary>The portfolio's value at one time, in the user's currency then; its items are by exchange and asset.</summary>
internal sealed class SnapshotRow
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public DateTimeOffset TakenAt { get; set; }

    public required string Currency { get; set; }

    public decimal TotalValue { get; set; }

    /// <summary>Assets held that had no price then, space-separated.</summary>
    public required string Unpriced { get; set; }
}

internal sealed class SnapshotItemRow
{
    public Guid SnapshotId { get; set; }

    public required string Exchange { get; set; }

    public required string Asset { get; set; }

    public decimal Amount { get; set; }

    public decimal? Value { get; set; }
}

internal sealed class PortfolioTablesConfiguration :
    IEntityTypeConfiguration<PortfolioSettingsRow>,
    IEntityTypeConfiguration<TradeRow>,
    IEntityTypeConfiguration<BalanceRow>,
    IEntityTypeConfiguration<SyncCursorRow>,
    IEntityTypeConfiguration<SyncCoverageRow>,
    IEntityTypeConfiguration<SnapshotRow>,
    IEntityTypeConfiguration<SnapshotItemRow>
{
    public void Configure(EntityTypeBuilder<PortfolioSettingsRow> e)
    {
        e.ToTable("portfolio_settings");
        e.HasKey(x => x.UserId);
        e.Property(x => x.UserId).HasColumnName("user_id").ValueGeneratedNever();
        e.Property(x => x.Currency).HasColumnName("currency");
        e.Property(x => x.StepUpThreshold).HasColumnName("step_up_threshold");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at").AsUtc();
    }

    public void Configure(EntityTypeBuilder<TradeRow> e)
    {
        e.ToTable("trades");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(x => x.UserId).HasColumnName("user_id");
        e.Property(x => x.ConnectionId).HasColumnName("connection_id");
        e.Property(x => x.Exchange).HasColumnName("exchange");
        e.Property(x => x.TradeId).HasColumnName("trade_id");
        e.Property(x => x.OrderId).HasColumnName("order_id");
        e.Property(x => x.Symbol).HasColumnName("symbol");
        e.Property(x => x.Base).HasColumnName("base");
        e.Property(x => x.Quote).HasColumnName("quote");
        e.Property(x => x.Side).HasColumnName("side");
        e.Property(x => x.Price).HasColumnName("price");
        e.Property(x => x.Amount).HasColumnName("amount");
        e.Property(x => x.Cost).HasColumnName("cost");
        e.Property(x => x.FeeCurrency).HasColumnName("fee_currency");
        e.Property(x => x.FeeCost).HasColumnName("fee_cost");
        e.Property(x => x.TakerOrMaker).HasColumnName("taker_or_maker");
        e.Property(x => x.TradedAt).HasColumnName("traded_at").AsUtc();
        e.HasIndex(x => new { x.ConnectionId, x.Symbol, x.TradeId }).IsUnique().HasDatabaseName("ux_trades_connection_symbol_trade_id");
        e.HasIndex(x => new { x.UserId, x.TradedAt }).HasDatabaseName("ix_trades_user_traded_at");
    }

    public void Configure(EntityTypeBuilder<BalanceRow> e)
    {
        e.ToTable("balances");
        e.HasKey(x => new { x.ConnectionId, x.Currency });
        e.Property(x => x.ConnectionId).HasColumnName("connection_id");
        e.Property(x => x.Currency).HasColumnName("currency");
        e.Property(x => x.UserId).HasColumnName("user_id");
        e.Property(x => x.Free).HasColumnName("free");
        e.Property(x => x.Used).HasColumnName("used");
        e.Property(x => x.Total).HasColumnName("total");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at").AsUtc();
        e.HasIndex(x => x.UserId).HasDatabaseName("ix_balances_user_id");
    }

    public void Configure(EntityTypeBuilder<SyncCursorRow> e)
    {
        e.ToTable("sync_cursors");
        e.HasKey(x => new { x.ConnectionId, x.Kind, x.Symbol });
        e.Property(x => x.ConnectionId).HasColumnName("connection_id");
        e.Property(x => x.Kind).HasColumnName("kind");
        e.Property(x => x.Symbol).HasColumnName("symbol");
        e.Property(x => x.Since).HasColumnName("since").AsUtc();
        e.Property(x => x.FetchedAt).HasColumnName("fetched_at").AsUtc();
    }

    public void Configure(EntityTypeBuilder<SyncCoverageRow> e)
    {
        e.ToTable("sync_coverage");
        e.HasKey(x => x.ConnectionId);
        e.Property(x => x.ConnectionId).HasColumnName("connection_id").ValueGeneratedNever();
        e.Property(x => x.UserId).HasColumnName("user_id");
        e.Property(x => x.Status).HasColumnName("status");
        e.Property(x => x.StartedAt).HasColumnName("started_at").AsUtc();
        e.Property(x => x.FinishedAt).HasColumnName("finished_at").AsUtc();
        e.Property(x => x.LastCompleteAt).HasColumnName("last_complete_at").AsUtc();
        e.Property(x => x.Detail).HasColumnName("detail");
        e.HasIndex(x => x.UserId).HasDatabaseName("ix_sync_coverage_user_id");
    }

    public void Configure(EntityTypeBuilder<SnapshotRow> e)
    {
        e.ToTable("portfolio_snapshots");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(x => x.UserId).HasColumnName("user_id");
        e.Property(x => x.TakenAt).HasColumnName("taken_at").AsUtc();
        e.Property(x => x.Currency).HasColumnName("currency");
        e.Property(x => x.TotalValue).HasColumnName("total_value");
        e.Property(x => x.Unpriced).HasColumnName("unpriced");
        e.HasIndex(x => new { x.UserId, x.TakenAt }).HasDatabaseName("ix_portfolio_snapshots_user_taken_at");
    }

    public void Configure(EntityTypeBuilder<SnapshotItemRow> e)
    {
        e.ToTable("portfolio_snapshot_items");
        e.HasKey(x => new { x.SnapshotId, x.Exchange, x.Asset });
        e.Property(x => x.SnapshotId).HasColumnName("snapshot_id");
        e.Property(x => x.Exchange).HasColumnName("exchange");
        e.Property(x => x.Asset).HasColumnName("asset");
        e.Property(x => x.Amount).HasColumnName("amount");
        e.Property(x => x.Value).HasColumnName("value");
    }
}
