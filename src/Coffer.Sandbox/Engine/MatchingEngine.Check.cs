namespace Coffer.Sandbox.Engine;

internal sealed partial class MatchingEngine
{
    /// <summary>
    /// Runs an order through the same validation as <see cref="Place"/> without placing it or looking at the balance
    /// (an exchange's "validate only" flag, e.g. Kraken's <c>validate=true</c>); null = it would be accepted.
    /// </summary>
    public RejectReason? Check(OrderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            return _markets.TryGetValue(request.Symbol, out var state) ? Validate(request, state) : RejectReason.UnknownSymbol;
        }
    }
}
