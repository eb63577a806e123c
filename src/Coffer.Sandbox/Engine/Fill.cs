namespace Coffer.Sandbox.Engine;

/// <summary>One execution, as recorded by the engine: the ground truth tests compute portfolios from.</summary>
internal sealed record Fill(
    long Id,
    long OrderId,
    string Account,
    string Symbol,
    OrderSide Side,
    decimal Price,
    decimal Quantity,
    decimal QuoteQuantity,
    decimal Fee,
    string FeeAsset,
    bool IsMaker,
    DateTimeOffset Time);
