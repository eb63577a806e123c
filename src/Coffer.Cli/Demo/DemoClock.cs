using System.Diagnostics;

namespace Coffer.Cli.Demo;

/// <summary>
/// The demo's one clock, shared by the server and the sandbox so that weeks of trading can be replayed in seconds through
/// the real components: it starts in the past, runs <see cref="Rate"/> times faster than the wall clock, jumps forward when
/// told and finally runs live at the wall clock's rate. It never goes backwards. Timers (budget waits, the scheduler,
/// timestamp windows) run on the same virtual time, so a one-second wait lasts a second of demo time.
/// </summary>
internal sealed class DemoClock : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly HashSet<DemoTimer> _timers = [];
    private long _anchorVirtualTicks;
    private long _anchorStopwatch;

    public DemoClock(DateTimeOffset start, double rate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(rate, 0);
        _anchorVirtualTicks = start.UtcTicks;
        _anchorStopwatch = Stopwatch.GetTimestamp();
        Rate = rate;
    }

    /// <summary>How many seconds of demo time pass per second of wall time.</summary>
    public double Rate { get; private set; }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return new DateTimeOffset(NowTicks(), TimeSpan.Zero);
        }
    }

    /// <summary>Virtual ticks, so elapsed times measured through this clock agree with its <see cref="GetUtcNow"/>.</summary>
    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return NowTicks();
        }
    }

    /// <summary>Moves the clock forward to <paramref name="to"/> (nothing if it is already later); due timers fire.</summary>
    public void JumpTo(DateTimeOffset to)
    {
        lock (_lock)
        {
            if (to.UtcTicks <= NowTicks())
            {
                return;
            }

            Anchor(to.UtcTicks, Rate);
        }
    }

    /// <summary>From now on the clock is the wall clock (jumping forward to it) and runs at its rate.</summary>
    public void GoLive()
    {
        lock (_lock)
        {
            Anchor(Math.Max(NowTicks(), TimeProvider.System.GetUtcNow().UtcTicks), 1);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new DemoTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private long NowTicks()
    {
        var real = Stopwatch.GetElapsedTime(_anchorStopwatch);
        return _anchorVirtualTicks + (long)(real.Ticks * Rate);
    }

    private void Anchor(long virtualTicks, double rate)
    {
        _anchorVirtualTicks = virtualTicks;
        _anchorStopwatch = Stopwatch.GetTimestamp();
        Rate = rate;
        foreach (var timer in _timers)
        {
            timer.Reschedule();
        }
    }

    /// <summary>A timer due at a virtual time, carried by a real one set to fire when the virtual time comes.</summary>
    private sealed class DemoTimer : ITimer
    {
        private readonly DemoClock _clock;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private readonly Timer _real;
        private long _dueTicks = -1;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private bool _disposed;

        public DemoTimer(DemoClock clock, TimerCallback callback, object? state)
        {
            _clock = clock;
            _callback = callback;
            _state = state;
            _real = new Timer(_ => Fire(), null, Timeout.Infinite, Timeout.Infinite);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_clock._lock)
            {
                if (_disposed)
                {
                    return false;
                }

                _period = period;
                _dueTicks = dueTime == Timeout.InfiniteTimeSpan ? -1 : _clock.NowTicks() + Math.Max(0, dueTime.Ticks);
                if (_dueTicks < 0)
                {
                    _clock._timers.Remove(this);
                }
                else
                {
                    _clock._timers.Add(this);
                }

                Reschedule();
                return true;
            }
        }

        /// <summary>Sets the real timer from the virtual due time at the clock's rate. Called under the clock's lock.</summary>
        public void Reschedule()
        {
            if (_dueTicks < 0)
            {
                _real.Change(Timeout.Infinite, Timeout.Infinite);
                return;
            }

            var virtualWait = Math.Max(0, _dueTicks - _clock.NowTicks());
            var realWait = TimeSpan.FromTicks((long)Math.Ceiling(virtualWait / _clock.Rate));
            _real.Change(realWait, Timeout.InfiniteTimeSpan);
        }

        public void Dispose()
        {
            lock (_clock._lock)
            {
                _disposed = true;
                _dueTicks = -1;
                _clock._timers.Remove(this);
            }

            _real.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void Fire()
        {
            lock (_clock._lock)
            {
                if (_disposed || _dueTicks < 0)
                {
                    return;
                }

                var now = _clock.NowTicks();
                if (now < _dueTicks)
                {
                    // The real timer rounds; wait out the rest.
                    Reschedule();
                    return;
                }

                if (_period <= TimeSpan.Zero || _period == Timeout.InfiniteTimeSpan)
                {
                    _dueTicks = -1;
                    _clock._timers.Remove(this);
                }
                else
                {
                    // After a jump a periodic timer fires once and then keeps its period from now, as a late
                    // System.Threading.Timer does; it does not fire once for every period jumped over.
                    var next = _dueTicks + _period.Ticks;
                    _dueTicks = next > now ? next : now + _period.Ticks;
                    Reschedule();
                }
            }

            _callback(_state);
        }
    }
}
