namespace Coffer.Sandbox.Faults;

/// <summary>The exchanges' clock: the host's time provider plus the fault plan's skew.</summary>
internal sealed class SandboxClock(TimeProvider inner, FaultInjector faults) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow().AddSeconds(faults.Plan.ClockSkewSeconds);

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}
