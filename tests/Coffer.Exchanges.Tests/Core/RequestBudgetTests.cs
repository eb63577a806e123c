using Coffer.Exchanges.Tests.Support;
using Coffer.Exchanges.Transport;

namespace Coffer.Exchanges.Tests.Core;

public sealed class RequestBudgetTests
{
    private static readonly RateLimitRule Weight = RateLimitRule.SlidingWindow("weight", RateLimitScope.Ip, 100, TimeSpan.FromSeconds(20), "test");
    private static readonly RateLimitRule Orders = RateLimitRule.SlidingWindow("orders", RateLimitScope.Account, 10, TimeSpan.FromSeconds(10), "test");
    private static readonly RateLimitRule Counter = RateLimitRule.Decaying("counter", RateLimitScope.Account, 20, 0.5, "test");

    [Fact]
    public async Task SlidingWindow_AllowsUpToHeadroom_ThenWaitsForTheOldestToLeave()
    {
        var clock = new ManualClock();
        var budget = new RequestBudgets(clock).For("x", "key", "host", [Weight]);

        for (var i = 0; i < 8; i++)
        {
            await budget.AcquireAsync([new RateCost("weight", 10)], default);
        }

        Assert.Equal(80, budget["weight"].Used);
        var waiting = budget.AcquireAsync([new RateCost("weight", 10)], default);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(21));
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(10, budget["weight"].Used);
    }

    [Fact]
    public async Task ObservedFullWindow_HoldsAWholeWindowFromNow_NotOnlyUntilOurOldestSpendingLeaves()
    {
        var clock = new ManualClock();
        var budget = new RequestBudgets(clock).For("x", "key", "host", [Weight]);
        await budget.AcquireAsync([new RateCost("weight", 10)], default);
        clock.Advance(TimeSpan.FromSeconds(15));

        budget.Observe("weight", 100);

        // Our own spending would leave the 20 s window in 5 s; the exchange's full window holds for 20 s from now.
        var wait = budget["weight"].TryTake(1, take: false);
        Assert.InRange(wait, TimeSpan.FromSeconds(19.9), TimeSpan.FromSeconds(20.1));
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(TimeSpan.Zero, budget["weight"].TryTake(1, take: false));
    }

    [Fact]
    public async Task IpScopedRules_AreSharedByAccounts_AccountRulesAreNot()
    {
        var clock = new ManualClock();
        var budgets = new RequestBudgets(clock);
        var a = budgets.For("x", "key-a", "host", [Weight, Orders]);
        var b = budgets.For("x", "key-b", "host", [Weight, Orders]);

        await a.AcquireAsync([new RateCost("weight", 30), new RateCost("orders", 5)], default);
        await b.AcquireAsync([new RateCost("weight", 30), new RateCost("orders", 1)], default);

        Assert.Equal(60, a["weight"].Used);
        Assert.Equal(60, b["weight"].Used);
        Assert.Equal(5, a["orders"].Used);
        Assert.Equal(1, b["orders"].Used);
    }

    [Fact]
    public async Task Acquire_IsAllOrNothing()
    {
        var clock = new ManualClock();
        var budget = new RequestBudgets(clock).For("x", "key", "host", [Weight, Orders]);
        await budget.AcquireAsync([new RateCost("orders", 8)], default);

        var waiting = budget.AcquireAsync([new RateCost("weight", 10), new RateCost("orders", 1)], default);
        await Task.Delay(50);

        Assert.False(waiting.IsCompleted);
        Assert.Equal(0, budget["weight"].Used);
        clock.Advance(TimeSpan.FromSeconds(11));
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(10, budget["weight"].Used);
    }

    [Fact]
    public async Task DecayingCounter_FallsAtItsRate()
    {
        var clock = new ManualClock();
        var budget = new RequestBudgets(clock).For("kraken", "key", "host", [Counter]);
        for (var i = 0; i < 16; i++)
        {
            await budget.AcquireAsync([new RateCost("counter", 1)], default);
        }

        var waiting = budget.AcquireAsync([new RateCost("counter", 1)], default);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(2));
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(16, budget["counter"].Used, precision: 6);
    }

    [Fact]
    public async Task ObservedUsageAboveOurs_IsCounted()
    {
        var clock = new ManualClock();
        var budget = new RequestBudgets(clock).For("x", "key", "host", [Weight]);
        await budget.AcquireAsync([new RateCost("weight", 5)], default);

        budget.Observe("weight", 75);
        budget.Observe("weight", 10);

        Assert.Equal(75, budget["weight"].Used);
    }

    [Fact]
    public async Task Penalize_HoldsEveryRequestOfTheAddress_AndBacksOffExponentially()
    {
        var clock = new ManualClock();
        var budgets = new RequestBudgets(clock);
        var a = budgets.For("x", "key-a", "host", [Weight]);
        var b = budgets.For("x", "key-b", "host", [Weight]);

        Assert.Equal(TimeSpan.FromSeconds(1), a.Penalize(null));
        Assert.Equal(TimeSpan.FromSeconds(2), a.Penalize(null));
        Assert.Equal(TimeSpan.FromSeconds(30), a.Penalize(TimeSpan.FromSeconds(30)));
        Assert.NotNull(b.PausedUntil);

        var waiting = b.AcquireAsync([new RateCost("weight", 1)], default);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(31));
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        a.Succeeded();
        Assert.Equal(TimeSpan.FromSeconds(1), a.Penalize(null));
    }

    [Fact]
    public async Task WaitLongerThanMaxWait_IsATransientRateLimitError()
    {
        var clock = new ManualClock();
        var budget = new RequestBudgets(clock).For("x", "key", "host", [Weight]);
        budget.Penalize(TimeSpan.FromMinutes(5));

        var error = await Assert.ThrowsAsync<ExchangeException>(() => budget.AcquireAsync([new RateCost("weight", 1)], default));

        Assert.Equal(ExchangeErrorKind.RateLimited, error.Kind);
        Assert.True(error.IsTransient);
        Assert.NotNull(error.RetryAfter);
    }

    [Fact]
    public async Task UnknownRule_IsAProgrammingError()
    {
        var budget = new RequestBudgets(new ManualClock()).For("x", "key", "host", [Weight]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => budget.AcquireAsync([new RateCost("nope", 1)], default));
    }
}
