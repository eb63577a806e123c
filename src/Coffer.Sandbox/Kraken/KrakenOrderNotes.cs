using System.Collections.Concurrent;

namespace Coffer.Sandbox.Kraken;

/// <summary>What Kraken remembers of an order that the engine does not: userref, whether cl_ord_id was the client's, oflags.</summary>
internal sealed record KrakenOrderNote(long? UserRef, bool ClientOrderIdGiven, string OrderFlags);

internal sealed class KrakenOrderNotes
{
    private readonly ConcurrentDictionary<long, KrakenOrderNote> _notes = new();

    public void Add(long orderId, KrakenOrderNote note) => _notes[orderId] = note;

    public KrakenOrderNote? Of(long orderId) => _notes.GetValueOrDefault(orderId);
}
