namespace Coffer.Sandbox;

internal enum SandboxExchange
{
    Binance,
    Kraken,
    Coinbase,
}

internal static class SandboxExchanges
{
    /// <summary>The exchanges whose wire front exists; the others are refused by name until their folder is written.</summary>
    public static IReadOnlyList<SandboxExchange> Implemented { get; } = [SandboxExchange.Binance, SandboxExchange.Kraken, SandboxExchange.Coinbase];

    public static bool TryParse(string name, out SandboxExchange exchange) =>
        Enum.TryParse(name, ignoreCase: true, out exchange) && Enum.IsDefined(exchange) && !int.TryParse(name, out _);

    public static string Name(this SandboxExchange exchange) => exchange.ToString().ToLowerInvariant();
}
