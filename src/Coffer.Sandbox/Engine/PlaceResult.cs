namespace Coffer.Sandbox.Engine;

/// <summary>The outcome of placing an order: either the accepted order (with the fills it made at once) or a reason.</summary>
internal sealed record PlaceResult(Order? Order, RejectReason? Reject, IReadOnlyList<Fill> Fills)
{
    public static PlaceResult Rejected(RejectReason reason) => new(null, reason, []);
}

internal enum CancelOutcome
{
    Canceled,
    NotFound,
    NotOpen,
}
