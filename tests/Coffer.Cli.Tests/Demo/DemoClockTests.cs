using Coffer.Cli.Demo;

namespace Coffer.Cli.Tests.Demo;

public sealed class DemoClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    // Long enough that a healthy machine never hits it; the tests assert what happens, not how fast.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public void StartsWhereItWasSet_AndNeverGoesBackwards()
    {
        var clock = new DemoClock(Start, rate: 1);
        var first = clock.GetUtcNow();
        Assert.True(first >= Start && first < Start.AddMinutes(1));

        clock.JumpTo(Start.AddDays(3));
        var afterJump = clock.GetUtcNow();
        Assert.True(afterJump >= Start.AddDays(3));

        clock.JumpTo(Start.AddDays(1));
        Assert.True(clock.GetUtcNow() >= afterJump);
    }

    [Fact]
    public void Timestamps_MeasureDemoTime()
    {
        var clock = new DemoClock(Start, rate: 1);
        var before = clock.GetTimestamp();

        clock.JumpTo(Start.AddHours(6));

        // Six hours, less the moment that passed before the first reading and plus the one since the jump (the clock runs on).
        Assert.InRange(clock.GetElapsedTime(before), TimeSpan.FromHours(6) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(6) + TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task ADelay_EndsWhenTheClockJumpsPastIt()
    {
        var clock = new DemoClock(Start, rate: 1);
        var delay = Task.Delay(TimeSpan.FromHours(1), clock);
        Assert.False(delay.IsCompleted);

        clock.JumpTo(Start.AddHours(2));

        await delay.WaitAsync(Patience);
    }

    [Fact]
    public async Task ADelay_RunsOnDemoTime_AtTheClocksRate()
    {
        // At 3600x a one-hour delay is a second of wall time: it ends without any jump.
        var clock = new DemoClock(Start, rate: 3600);

        await Task.Delay(TimeSpan.FromHours(1), clock).WaitAsync(Patience);

        Assert.True(clock.GetUtcNow() >= Start.AddHours(1));
    }

    [Fact]
    public async Task APeriodicTimer_FiresOnceForAJumpOverManyPeriods_ThenKeepsItsPeriod()
    {
        var clock = new DemoClock(Start, rate: 1);
        var ticks = 0;
        var fired = new SemaphoreSlim(0);
        using var timer = clock.CreateTimer(
            _ =>
            {
                Interlocked.Increment(ref ticks);
                fired.Release();
            },
            null,
            TimeSpan.FromMinutes(15),
            TimeSpan.FromMinutes(15));

        clock.JumpTo(Start.AddDays(1));
        Assert.True(await fired.WaitAsync(Patience));
        await Task.Delay(50);
        Assert.Equal(1, Volatile.Read(ref ticks));

        clock.JumpTo(clock.GetUtcNow().AddMinutes(16));
        Assert.True(await fired.WaitAsync(Patience));
        Assert.Equal(2, Volatile.Read(ref ticks));
    }

    [Fact]
    public async Task AStoppedOrDisposedTimer_DoesNotFire()
    {
        var clock = new DemoClock(Start, rate: 1);
        var fired = 0;
        var stopped = clock.CreateTimer(_ => Interlocked.Increment(ref fired), null, TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan);
        var disposed = clock.CreateTimer(_ => Interlocked.Increment(ref fired), null, TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan);
        Assert.True(stopped.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        disposed.Dispose();
        Assert.False(disposed.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan));

        // A witness timer due later than both: when it has fired, the others would have.
        var witness = Task.Delay(TimeSpan.FromMinutes(2), clock);
        clock.JumpTo(Start.AddHours(1));
        await witness.WaitAsync(Patience);
        await Task.Delay(50);

        Assert.Equal(0, Volatile.Read(ref fired));
        stopped.Dispose();
    }

    [Fact]
    public void GoingLive_JumpsToTheWallClock_AndRunsAtItsRate()
    {
        var clock = new DemoClock(Start, rate: 1000);
        var wall = TimeProvider.System.GetUtcNow();

        clock.GoLive();

        Assert.Equal(1, clock.Rate);
        var now = clock.GetUtcNow();
        Assert.True(now >= wall);
        Assert.True(now - TimeProvider.System.GetUtcNow() < TimeSpan.FromSeconds(1));
    }
}
