-- Coffer schema 0010 (SQLite): portfolio and trading (DESIGN §6). Amounts are decimal text (EF Core's SQLite mapping of
-- decimal) and are summed in the server, never in SQL; times that queries filter or order by are UTC DateTime text,
-- which sorts in time order.

-- A user's portfolio settings: the valuation currency and the order value above which placing needs step-up.
CREATE TABLE portfolio_settings (
    user_id TEXT NOT NULL PRIMARY KEY,
    currency TEXT NOT NULL,
    step_up_threshold TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Orders: those Coffer places (origin 'coffer', recorded before they are sent, found again by client_order_id after a
-- crash) and those the exchange reports that were placed elsewhere (origin 'exchange').
CREATE TABLE orders (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    connection_id TEXT NOT NULL,
    exchange TEXT NOT NULL,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    type TEXT NOT NULL CHECK (type IN ('market', 'limit', 'stop_loss', 'stop_limit', 'take_profit', 'take_profit_limit')),
    state TEXT NOT NULL CHECK (state IN ('recorded', 'sent', 'open', 'closed', 'canceled', 'expired', 'rejected', 'failed')),
    origin TEXT NOT NULL CHECK (origin IN ('coffer', 'exchange')),
    client_order_id TEXT NULL,
    exchange_order_id TEXT NULL,
    idempotency_key TEXT NULL,
    request_hash TEXT NULL,
    actor TEXT NULL,
    actor_chain TEXT NULL,
    amount TEXT NULL,
    price TEXT NULL,
    trigger_price TEXT NULL,
    quote_amount TEXT NULL,
    time_in_force TEXT NULL,
    post_only INTEGER NOT NULL,
    filled TEXT NULL,
    average TEXT NULL,
    filled_cost TEXT NULL,
    fee_currency TEXT NULL,
    fee_cost TEXT NULL,
    notional TEXT NULL,
    notional_currency TEXT NULL,
    error TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_orders_user_idempotency_key ON orders (user_id, idempotency_key);
CREATE UNIQUE INDEX ux_orders_connection_client_order_id ON orders (connection_id, client_order_id);
CREATE UNIQUE INDEX ux_orders_connection_exchange_order_id ON orders (connection_id, exchange_order_id);
CREATE INDEX ix_orders_user_created_at ON orders (user_id, created_at);
CREATE INDEX ix_orders_state ON orders (state);

-- The account's fills, as the exchange reports them.
CREATE TABLE trades (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    connection_id TEXT NOT NULL,
    exchange TEXT NOT NULL,
    trade_id TEXT NOT NULL,
    order_id TEXT NULL,
    symbol TEXT NOT NULL,
    base TEXT NOT NULL,
    quote TEXT NOT NULL,
    side TEXT NULL CHECK (side IN ('buy', 'sell')),
    price TEXT NOT NULL,
    amount TEXT NOT NULL,
    cost TEXT NOT NULL,
    fee_currency TEXT NULL,
    fee_cost TEXT NULL,
    taker_or_maker TEXT NULL,
    traded_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_trades_connection_symbol_trade_id ON trades (connection_id, symbol, trade_id);
CREATE INDEX ix_trades_user_traded_at ON trades (user_id, traded_at);

-- The latest balances of each connection.
CREATE TABLE balances (
    connection_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    user_id TEXT NOT NULL,
    free TEXT NULL,
    used TEXT NULL,
    total TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (connection_id, currency)
);
CREATE INDEX ix_balances_user_id ON balances (user_id);

-- Where incremental sync resumes: per connection, kind ('trades', 'orders') and symbol ('' for the whole account).
CREATE TABLE sync_cursors (
    connection_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    symbol TEXT NOT NULL,
    since TEXT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (connection_id, kind, symbol)
);

-- What the last sync of each connection fetched, when, and what it could not (detail: JSON list of parts).
CREATE TABLE sync_coverage (
    connection_id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('complete', 'partial', 'failed')),
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    last_complete_at TEXT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX ix_sync_coverage_user_id ON sync_coverage (user_id);

-- Portfolio value over time, by asset and exchange.
CREATE TABLE portfolio_snapshots (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL,
    taken_at TEXT NOT NULL,
    currency TEXT NOT NULL,
    total_value TEXT NOT NULL,
    unpriced TEXT NOT NULL
);
CREATE INDEX ix_portfolio_snapshots_user_taken_at ON portfolio_snapshots (user_id, taken_at);

CREATE TABLE portfolio_snapshot_items (
    snapshot_id TEXT NOT NULL,
    exchange TEXT NOT NULL,
    asset TEXT NOT NULL,
    amount TEXT NOT NULL,
    value TEXT NULL,
    PRIMARY KEY (snapshot_id, exchange, asset)
);
