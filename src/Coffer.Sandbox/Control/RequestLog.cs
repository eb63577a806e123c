namespace Coffer.Sandbox.Control;

/// <summary>One exchange request the sandbox received. The query string is not kept: it carries signatures.</summary>
internal sealed record RequestRecord(
    DateTimeOffset Time, string Exchange, string Method, string Path, string? ApiKey, int Status, string Outcome);

/// <summary>
/// The last requests received, so a test can assert what an exchange saw (or that it saw nothing), and how many are being
/// answered right now (the demo moves its clock only when none is).
/// </summary>
internal sealed class RequestLog(int capacity = 10_000)
{
    private readonly Lock _gate = new();
    private readonly Queue<RequestRecord> _records = new();
    private int _inFlight;

    /// <summary>Exchange requests that have arrived and not yet been answered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>A request arrived; <see cref="Complete"/> follows when it has been answered.</summary>
    public void Begin() => Interlocked.Increment(ref _inFlight);

    public void Complete(RequestRecord record)
    {
        Add(record);
        Interlocked.Decrement(ref _inFlight);
    }

    public void Add(RequestRecord record)
    {
        lock (_gate)
        {
            _records.Enqueue(record);
            while (_records.Count > capacity)
            {
                _records.Dequeue();
            }
        }
    }

    public IReadOnlyList<RequestRecord> Last(int count)
    {
        lock (_gate)
        {
            return [.. _records.Skip(Math.Max(0, _records.Count - count))];
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _records.Count;
            }
        }
    }
}

/// <summary>The outcome a front reports for the request log: "ok", an exchange error code, or a fault.</summary>
internal static class RequestOutcome
{
    private const string Key = "coffer.sandbox.outcome";

    public static void Set(HttpContext context, string outcome) => context.Items[Key] = outcome;

    public static string? Get(HttpContext context) => context.Items.TryGetValue(Key, out var value) ? value as string : null;
}
