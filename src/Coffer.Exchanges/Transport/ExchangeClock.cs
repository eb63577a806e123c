namespace Coffer.Exchanges.Transport;

/// <summary>
/// The exchange's clock as Coffer sees it: local time plus the offset measured against the exchange's server-time
/// endpoint (half the round trip taken as the one-way delay). Signed requests carry <see cref="Now"/>, so a local clock
/// a few seconds off does not put requests outside the exchange's timestamp window.
/// </summary>
internal sealed class ExchangeClock(TimeProvider time)
{
    /// <summary>
    /// A round trip longer than this says nothing useful about the offset (the answer could have been made anywhere in
    /// it), and one that ends before it began means the local clock was stepped: such samples keep the last offset.
    /// </summary>
    public static readonly TimeSpan LongestUsefulRoundTrip = TimeSpan.FromSeconds(10);

    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>When the offset was last measured; null before the first measurement.</summary>
    public DateTimeOffset? MeasuredAt { get; private set; }

    public DateTimeOffset Now => time.GetUtcNow() + Offset;

    public TimeProvider Time => time;

    /// <summary>Records a server-time answer: the request left at <paramref name="sent"/> and the answer came at <paramref name="received"/>.</summary>
    public void Observe(DateTimeOffset serverTime, DateTimeOffset sent, DateTimeOffset received)
    {
        var roundTrip = received - sent;
        if (roundTrip < TimeSpan.Zero || roundTrip > LongestUsefulRoundTrip)
        {
            return;
        }

        var midpoint = sent + ((received - sent) / 2);
        Interlocked.Exchange(ref _offsetTicks, (serverTime - midpoint).Ticks);
        MeasuredAt = received;
    }
}
