-- Coffer schema 0010 (PostgreSQL): portfolio and trading (DESIGN §6). Amounts are numeric, summed in the server as on
-- SQLite; times are timestamp with time zone.

-- A user's portfolio settings: the valuation currency and the order value above which placing needs step-up.
CREATE TABLE portfolio_settings (
    user_id uuid NOT NULL PRIMARY KEY,
    currency text NOT NULL,
    step_up_threshold numeric NOT NULL,
    updated_at timestamp with time zone NOT NULL
);

-- Orders: those Coffer places (origin 'coffer', recorded before they are sent, found again by client_order_id after a
-- crash) and those the exchange reports that were placed elsewhere (origin 'exchange').
CREATE TABLE orders (
    id uuid NOT NULL PRIMARY KEY,
    user_id uuid NOT NULL,
    connection_id uuid NOT NULL,
    exchange text NOT NULL,
    symbol text NOT NULL,
    side text NOT NULL CHECK (side IN ('buy', 'sell')),
    type text NOT NULL CHECK (type IN ('market', 'limit', 'stop_loss', 'stop_limit', 'take_profit', 'take_profit_limit')),
    state text NOT NULL CHECK (state IN ('recorded', 'sent', 'open', 'closed', 'canceled', 'expired', 'rejected', 'failed')),
    origin text NOT NULL CHECK (origin IN ('coffer', 'exchange')),
    client_order_id text NULL,
    exchange_order_id text NULL,
    idempotency_key text NULL,
    request_hash text NULL,
    actor text NULL,
    actor_chain text NULL,
    amount numeric NULL,
    price numeric NULL,
    trigger_price numeric NULL,
    quote_amount numeric NULL,
    time_in_force text NULL,
    post_only boolean NOT NULL,
    filled numeric NULL,
    average numeric NULL,
    filled_cost numeric NULL,
    fee_currency text NULL,
    fee_cost numeric NULL,
    notional numeric NULL,
    notional_currency text NULL,
    error text NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);
CREATE UNIQUE INDEX ux_orders_user_idempotency_key ON orders (user_id, idempotency_key);
CREATE UNIQUE INDEX ux_orders_connection_client_order_id ON orders (connection_id, client_order_id);
CREATE UNIQUE INDEX ux_orders_connection_exchange_order_id ON orders (connection_id, exchange_order_id);
CREATE INDEX ix_orders_user_created_at ON orders (user_id, created_at);
CREATE INDEX ix_orders_state ON orders (state);

-- The account's fills, as the exchange reports them.
CREATE TABLE trades (
    id uuid NOT NULL PRIMARY KEY,
    user_id uuid NOT NULL,
    connection_id uuid NOT NULL,
    exchange text NOT NULL,
    trade_id text NOT NULL,
    order_id text NULL,
    symbol text NOT NULL,
    base text NOT NULL,
    quote text NOT NULL,
    side text NULL CHECK (side IN ('buy', 'sell')),
    price numeric NOT NULL,
    amount numeric NOT NULL,
    cost numeric NOT NULL,
    fee_currency text NULL,
    fee_cost numeric NULL,
    taker_or_maker text NULL,
    traded_at timestamp with time zone NOT NULL
);
CREATE UNIQUE INDEX ux_trades_connection_symbol_trade_id ON trades (connection_id, symbol, trade_id);
CREATE INDEX ix_trades_user_traded_at ON trades (user_id, traded_at);

-- The latest balances of each connection.
CREATE TABLE balances (
    connection_id uuid NOT NULL,
    currency text NOT NULL,
    user_id uuid NOT NULL,
    free numeric NULL,
    used numeric NULL,
    total numeric NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    PRIMARY KEY (connection_id, currency)
);
CREATE INDEX ix_balances_user_id ON balances (user_id);

-- Where incremental sync resumes: per connection, kind ('trades', 'orders') and symbol ('' for the whole account).
CREATE TABLE sync_cursors (
    connection_id uuid NOT NULL,
    kind text NOT NULL,
    symbol text NOT NULL,
    since timestamp with time zone NULL,
    fetched_at timestamp with time zone NOT NULL,
    PRIMARY KEY (connection_id, kind, symbol)
);

-- What the last sync of each connection fetched, when, and what it could not (detail: JSON list of parts).
CREATE TABLE sync_coverage (
    connection_id uuid NOT NULL PRIMARY KEY,
    user_id uuid NOT NULL,
    status text NOT NULL CHECK (status IN ('complete', 'partial', 'failed')),
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone NOT NULL,
    last_complete_at timestamp with time zone NULL,
    detail text NOT NULL
);
CREATE INDEX ix_sync_coverage_user_id ON sync_coverage (user_id);

-- Portfolio value over time, by asset and exchange.
CREATE TABLE portfolio_snapshots (
    id uuid NOT NULL PRIMARY KEY,
    user_id uuid NOT NULL,
    taken_at timestamp with time zone NOT NULL,
    currency text NOT NULL,
    total_value numeric NOT NULL,
    unpriced text NOT NULL
);
CREATE INDEX ix_portfolio_snapshots_user_taken_at ON portfolio_snapshots (user_id, taken_at);

CREATE TABLE portfolio_snapshot_items (
    snapshot_id uuid NOT NULL,
    exchange text NOT NULL,
    asset text NOT NULL,
    amount numeric NOT NULL,
    value numeric NULL,
    PRIMARY KEY (snapshot_id, exchange, asset)
);
