namespace Coffer.Exchanges.Transport;

/// <summary>
/// The exchange's clock as Coffer sees it: local time plus the offset measured against the exchange's server-time
/// endpoint (half the round trip taken as the one-way delay). Signed requests carry <see cref="Now"/>, so a local clock
/// a few seconds off does not put requests outside the exchange's timestamp window.
/// </summary>
internal sealed class ExchangeClock(TimeProvider time)
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>When the offset was last measured; null before the first measurement.</summary>
    public DateTimeOffset? MeasuredAt { get; private set; }

    public DateTimeOffset Now => time.GetUtcNow() + Offset;

    public TimeProvider Time => time;

    /// <summary>Records a server-time answer: the request left at <paramref name="sent"/> and the answer came at <paramref name="received"/>.</summary>
    public void Observe(DateTimeOffset serverTime, DateTimeOffset sent, DateTimeOffset received)
    {
        var midpoint = sent + ((received - sent) / 2);
        Interlocked.Exchange(ref _offsetTicks, (serverTime - midpoint).Ticks);
        MeasuredAt = received;
    }
}
