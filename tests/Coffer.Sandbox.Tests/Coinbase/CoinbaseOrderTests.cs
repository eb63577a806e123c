using System.Globalization;
using System.Text.Json;
using Coffer.Sandbox.Tests.Support;

namespace Coffer.Sandbox.Tests.Coinbase;

/// <summary>Orders through the Advanced Trade wire: place, get, list, cancel, fills, stops, idempotency, refusals, paging.</summary>
public sealed class CoinbaseOrderTests
{
    private const string Orders = "/api/v3/brokerage/orders";

    [Fact]
    public async Task LimitOrder_GetListCancel_ReleasesTheHold()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, account) = await run.Coinbase.IssueKeyAsync("read", "trade");
        await run.Coinbase.DepositAsync(account, "USD", 10_000m);

        var placed = await run.Coinbase.PostAsync(Orders, key, pem, Limit("lim-1", "BUY", "0.1", "50000"));
        var orderId = placed.Body.GetProperty("success_response").GetProperty("order_id").GetString()!;
        var got = await run.Coinbase.GetAsync($"{Orders}/historical/{orderId}", key, pem);
        var open = await run.Coinbase.GetAsync($"{Orders}/historical/batch?order_status=OPEN&product_ids=BTC-USD", key, pem);
        var held = run.Host.State.Engine.GetBalance(account, "USD");
        var cancel = await run.Coinbase.PostAsync($"{Orders}/batch_cancel", key, pem, new { order_ids = new[] { orderId } });
        var again = await run.Coinbase.PostAsync($"{Orders}/batch_cancel", key, pem, new { order_ids = new[] { orderId } });
        var after = await run.Coinbase.GetAsync($"{Orders}/historical/{orderId}", key, pem);

        Assert.Equal(200, placed.Status);
        Assert.True(placed.Body.GetProperty("success").GetBoolean());
        Assert.Equal("lim-1", placed.Body.GetProperty("success_response").GetProperty("client_order_id").GetString());
        Assert.Equal("BUY", placed.Body.GetProperty("success_response").GetProperty("side").GetString());
        var order = got.Body.GetProperty("order");
        Assert.Equal("OPEN", order.GetProperty("status").GetString());
        Assert.Equal("BTC-USD", order.GetProperty("product_id").GetString());
        Assert.Equal("50000", order.GetProperty("order_configuration").GetProperty("limit_limit_gtc").GetProperty("limit_price").GetString());
        Assert.Equal("0", order.GetProperty("filled_size").GetString());
        Assert.Equal("GOOD_UNTIL_CANCELLED", order.GetProperty("time_in_force").GetString());
        Assert.Equal(orderId, Assert.Single(open.Body.GetProperty("orders").EnumerateArray()).GetProperty("order_id").GetString());
        // The hold is the order's value plus the most its fee can be (BTC/USD taker 0.26%), paid in USD as Coinbase does.
        Assert.Equal(5000m * 1.0026m, held.Locked);
        var result = Assert.Single(cancel.Body.GetProperty("results").EnumerateArray());
        Assert.True(result.GetProperty("success").GetBoolean());
        Assert.Equal(orderId, result.GetProperty("order_id").GetString());
        Assert.False(again.Body.GetProperty("results")[0].GetProperty("success").GetBoolean());
        Assert.Equal("CANCELLED", after.Body.GetProperty("order").GetProperty("status").GetString());
        Assert.Equal(new Coffer.Sandbox.Engine.Balance("USD", 10_000m, 0m), run.Host.State.Engine.GetBalance(account, "USD"));
    }

    [Fact]
    public async Task MarketOrder_Fills_AndTheFillMatchesListFillsAndTheSandboxRecords()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, account) = await run.Coinbase.IssueKeyAsync("read", "trade");
        await run.Coinbase.DepositAsync(account, "USD", 10_000m);

        var placed = await run.Coinbase.PostAsync(Orders, key, pem, new
        {
            client_order_id = "mkt-1",
            product_id = "ETH-USD",
            side = "BUY",
            order_configuration = new { market_market_ioc = new { base_size = "1.5" } },
        });
        var orderId = placed.Body.GetProperty("order_id").GetString()!;
        var order = (await run.Coinbase.GetAsync($"{Orders}/historical/{orderId}", key, pem)).Body.GetProperty("order");
        var fills = await run.Coinbase.GetAsync($"{Orders}/historical/fills?order_ids={orderId}", key, pem);
        var records = await run.Coinbase.ControlGetAsync($"/sandbox/accounts/{account}/fills");

        Assert.Equal("FILLED", order.GetProperty("status").GetString());
        Assert.Equal("1.5", order.GetProperty("filled_size").GetString());
        Assert.Equal("100", order.GetProperty("completion_percentage").GetString());
        var fill = Assert.Single(fills.Body.GetProperty("fills").EnumerateArray());
        var record = Assert.Single(records.EnumerateArray());
        Assert.Equal(orderId, fill.GetProperty("order_id").GetString());
        Assert.Equal("TAKER", fill.GetProperty("liquidity_indicator").GetString());
        Assert.Equal(Dec(record, "price"), Dec(fill, "price"));
        Assert.Equal(Dec(record, "quantity"), Dec(fill, "size"));
        Assert.Equal(Dec(record, "price"), Dec(order, "average_filled_price"));
        Assert.Equal(Dec(record, "quote_quantity"), Dec(order, "filled_value"));

        // Coinbase charges spot fees in the quote: the commission is USD, the buyer gets all 1.5 ETH and pays value + fee.
        Assert.Equal("USD", record.GetProperty("fee_asset").GetString());
        Assert.Equal(Math.Round(Dec(record, "quote_quantity") * 0.0026m, 8), Dec(fill, "commission"));
        Assert.Equal(Dec(record, "fee"), Dec(order, "total_fees"));
        Assert.Equal(Dec(record, "quote_quantity") + Dec(record, "fee"), Dec(order, "total_value_after_fees"));
        Assert.Equal(1.5m, run.Host.State.Engine.GetBalance(account, "ETH").Free);
        Assert.Equal(10_000m - Dec(record, "quote_quantity") - Dec(record, "fee"), run.Host.State.Engine.GetBalance(account, "USD").Free);
    }

    [Fact]
    public async Task StopLimitBuy_StopUp_WaitsThenTriggersWhenThePriceRises()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, account) = await run.Coinbase.IssueKeyAsync("read", "trade");
        await run.Coinbase.DepositAsync(account, "USD", 10_000m);

        var placed = await run.Coinbase.PostAsync(Orders, key, pem, new
        {
            client_order_id = "stop-1",
            product_id = "BTC-USD",
            side = "BUY",
            order_configuration = new
            {
                stop_limit_stop_limit_gtc = new { base_size = "0.01", limit_price = "61500", stop_price = "61000", stop_direction = "STOP_DIRECTION_STOP_UP" },
            },
        });
        var orderId = placed.Body.GetProperty("order_id").GetString()!;
        var before = (await run.Coinbase.GetAsync($"{Orders}/historical/{orderId}", key, pem)).Body.GetProperty("order");
        await run.Coinbase.ControlAsync("/sandbox/prices", new { symbol = "BTC/USD", price = 61_200m });
        var after = (await run.Coinbase.GetAsync($"{Orders}/historical/{orderId}", key, pem)).Body.GetProperty("order");

        Assert.True(placed.Body.GetProperty("success").GetBoolean());
        Assert.Equal("OPEN", before.GetProperty("status").GetString());
        Assert.Equal("STOP_PENDING", before.GetProperty("trigger_status").GetString());
        Assert.Equal("STOP_LIMIT", before.GetProperty("order_type").GetString());
        Assert.Equal(
            "STOP_DIRECTION_STOP_UP",
            before.GetProperty("order_configuration").GetProperty("stop_limit_stop_limit_gtc").GetProperty("stop_direction").GetString());
        Assert.Equal("FILLED", after.GetProperty("status").GetString());
        Assert.Equal("STOP_TRIGGERED", after.GetProperty("trigger_status").GetString());
        Assert.True(Dec(after, "average_filled_price") <= 61_500m);
    }

    [Fact]
    public async Task DuplicateClientOrderId_ReturnsTheExistingOrder_AndPlacesOnce()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, account) = await run.Coinbase.IssueKeyAsync("read", "trade");
        await run.Coinbase.DepositAsync(account, "USD", 10_000m);

        var first = await run.Coinbase.PostAsync(Orders, key, pem, Limit("same", "BUY", "0.1", "50000"));
        var second = await run.Coinbase.PostAsync(Orders, key, pem, Limit("same", "BUY", "0.2", "49000"));

        Assert.True(second.Body.GetProperty("success").GetBoolean());
        Assert.Equal(first.Body.GetProperty("order_id").GetString(), second.Body.GetProperty("order_id").GetString());
        Assert.Single(run.Host.State.Engine.GetOrders(account));
    }

    [Theory]
    [InlineData("limit_limit_gtc", "{\"base_size\":\"0.1\",\"limit_price\":\"70000\",\"post_only\":true}", "INVALID_LIMIT_PRICE_POST_ONLY", "PREVIEW_INVALID_LIMIT_PRICE_POST_ONLY")]
    [InlineData("limit_limit_gtc", "{\"base_size\":\"1\",\"limit_price\":\"50000\"}", "INSUFFICIENT_FUND", "PREVIEW_INSUFFICIENT_FUND")]
    [InlineData("limit_limit_gtc", "{\"base_size\":\"0.000001\",\"limit_price\":\"50000\"}", "INVALID_SIZE_PRECISION", "PREVIEW_INVALID_BASE_SIZE_TOO_SMALL")]
    [InlineData("limit_limit_gtc", "{\"base_size\":\"0.1\",\"limit_price\":\"50000.001\"}", "INVALID_PRICE_PRECISION", "PREVIEW_INVALID_PRICE_PRECISION")]
    [InlineData("limit_limit_gtd", "{\"base_size\":\"0.1\",\"limit_price\":\"50000\",\"end_time\":\"2026-04-01T00:00:00Z\"}", "UNSUPPORTED_ORDER_CONFIGURATION", "PREVIEW_INVALID_ORDER_CONFIG")]
    public async Task RefusedOrder_IsHttp200SuccessFalse_WithCoinbaseReasons(string variant, string config, string error, string preview)
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, account) = await run.Coinbase.IssueKeyAsync("read", "trade");
        await run.Coinbase.DepositAsync(account, "USD", 10_000m);
        var configuration = new Dictionary<string, JsonElement> { [variant] = JsonDocument.Parse(config).RootElement };

        var answer = await run.Coinbase.PostAsync(Orders, key, pem, new
        {
            client_order_id = "bad-1",
            product_id = "BTC-USD",
            side = "BUY",
            order_configuration = configuration,
        });

        Assert.Equal(200, answer.Status);
        Assert.False(answer.Body.GetProperty("success").GetBoolean());
        var response = answer.Body.GetProperty("error_response");
        Assert.Equal(error, response.GetProperty("error").GetString());
        Assert.Equal(preview, response.GetProperty("preview_failure_reason").GetString());
        Assert.Empty(run.Host.State.Engine.GetOrders(account));
    }

    [Fact]
    public async Task MissingClientOrderId_Is400InvalidArgument()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, _) = await run.Coinbase.IssueKeyAsync("read", "trade");

        var answer = await run.Coinbase.PostAsync(Orders, key, pem, new
        {
            product_id = "BTC-USD",
            side = "BUY",
            order_configuration = new { market_market_ioc = new { quote_size = "10" } },
        });

        Assert.Equal(400, answer.Status);
        Assert.Equal("INVALID_ARGUMENT", answer.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Accounts_PageWithCursor_UntilHasNextIsFalse()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, account) = await run.Coinbase.IssueKeyAsync("read");
        await run.Coinbase.DepositAsync(account, "BTC", 0.5m);
        var currencies = new List<string>();
        var pages = new List<int>();

        string? cursor = null;
        for (var i = 0; i < 10; i++)
        {
            var page = await run.Coinbase.GetAsync("/api/v3/brokerage/accounts?limit=3" + (cursor is null ? "" : "&cursor=" + cursor), key, pem);
            Assert.Equal(200, page.Status);
            var accounts = page.Body.GetProperty("accounts").EnumerateArray().ToList();
            Assert.Equal(accounts.Count, page.Body.GetProperty("size").GetInt32());
            pages.Add(accounts.Count);
            currencies.AddRange(accounts.Select(a => a.GetProperty("currency").GetString()!));
            if (!page.Body.GetProperty("has_next").GetBoolean())
            {
                break;
            }

            cursor = page.Body.GetProperty("cursor").GetString();
        }

        var expected = run.Host.State.Engine.Markets.SelectMany(m => new[] { m.Base, m.Quote }).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, currencies);
        Assert.Equal([3, 3, 1], pages);
        var btc = await run.Coinbase.GetAsync("/api/v3/brokerage/accounts?limit=250", key, pem);
        Assert.Contains(btc.Body.GetProperty("accounts").EnumerateArray(), a => a.GetProperty("available_balance").GetProperty("value").GetString() == "0.5");
    }

    [Fact]
    public async Task BestBidAsk_AndTicker_ComeFromTheFeed()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, _) = await run.Coinbase.IssueKeyAsync("read");
        var prices = await run.Coinbase.ControlAsync("/sandbox/prices", new { symbol = "BTC/USD", price = 61_234.5m });
        var btc = prices.EnumerateArray().Single(p => p.GetProperty("symbol").GetString() == "BTC/USD");

        var books = await run.Coinbase.GetAsync("/api/v3/brokerage/best_bid_ask?product_ids=BTC-USD&product_ids=ETH-USD", key, pem);
        var ticker = await run.Coinbase.GetAsync("/api/v3/brokerage/products/BTC-USD/ticker?limit=5", key, pem);

        var book = books.Body.GetProperty("pricebooks").EnumerateArray().Single(b => b.GetProperty("product_id").GetString() == "BTC-USD");
        Assert.Equal(2, books.Body.GetProperty("pricebooks").GetArrayLength());
        Assert.Equal(Dec(btc, "bid"), Dec(book.GetProperty("bids")[0], "price"));
        Assert.Equal(Dec(btc, "ask"), Dec(book.GetProperty("asks")[0], "price"));
        Assert.Equal(Dec(btc, "ask"), Dec(ticker.Body, "best_ask"));
    }

    private static object Limit(string clientId, string side, string size, string price) => new
    {
        client_order_id = clientId,
        product_id = "BTC-USD",
        side,
        order_configuration = new { limit_limit_gtc = new { base_size = size, limit_price = price, post_only = false } },
    };

    private static decimal Dec(JsonElement json, string name) => decimal.Parse(json.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);
}
