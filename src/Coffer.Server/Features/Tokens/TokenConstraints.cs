using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coffer.Server.Features.Tokens;

/// <summary>
/// Limits on what trades a token may place (DESIGN §4); the trading feature enforces them, the token tree makes sure a
/// child's are never wider than its parent's. Null members mean "no limit of this kind beyond the parent's".
/// </summary>
internal sealed record TradingLimits(
    IReadOnlyList<string>? Exchanges = null,
    IReadOnlyList<string>? Symbols = null,
    decimal? MaxOrderNotional = null,
    decimal? PriceBandPercent = null,
    decimal? DailyVolumeCap = null)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static TradingLimits? FromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<TradingLimits>(json, Json);

    /// <summary>
    /// Null when this is no wider than <paramref name="parent"/>, else what is wider. A limit this leaves unset is not
    /// wider: it is inherited from the parent (<see cref="Within"/>).
    /// </summary>
    public string? WiderThan(TradingLimits? parent)
    {
        if (parent is null)
        {
            return null;
        }

        return Subset(Exchanges, parent.Exchanges, "exchanges")
            ?? Subset(Symbols, parent.Symbols, "symbols")
            ?? AtMost(MaxOrderNotional, parent.MaxOrderNotional, "max_order_notional")
            ?? AtMost(PriceBandPercent, parent.PriceBandPercent, "price_band_percent")
            ?? AtMost(DailyVolumeCap, parent.DailyVolumeCap, "daily_volume_cap");
    }

    /// <summary>The child's limits: its own where it sets them, the parent's where it does not.</summary>
    public TradingLimits Within(TradingLimits? parent) => parent is null ? this : new TradingLimits(
        Exchanges ?? parent.Exchanges,
        Symbols ?? parent.Symbols,
        MaxOrderNotional ?? parent.MaxOrderNotional,
        PriceBandPercent ?? parent.PriceBandPercent,
        DailyVolumeCap ?? parent.DailyVolumeCap);

    private static string? Subset(IReadOnlyList<string>? child, IReadOnlyList<string>? parent, string name) =>
        parent is null || child is null || child.All(c => parent.Contains(c, StringComparer.OrdinalIgnoreCase))
            ? null
            : $"{name} must be a subset of the parent's ({string.Join(", ", parent)})";

    private static string? AtMost(decimal? child, decimal? parent, string name) =>
        parent is null || child is null || child <= parent
            ? null
            : $"{name} must be at most the parent's {parent.Value.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>IP/CIDR ranges a token may be used from.</summary>
internal static class IpAllowlist
{
    public static IReadOnlyList<IPNetwork> Parse(string? stored) =>
        stored is null ? [] : [.. stored.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(IPNetwork.Parse)];

    public static string? Format(IReadOnlyList<IPNetwork> networks) =>
        networks.Count == 0 ? null : string.Join(' ', networks.Select(n => n.ToString()));

    /// <summary>Parses user input; a bare address means that one address (/32 or /128).</summary>
    public static bool TryParse(string text, out IPNetwork network)
    {
        text = text.Trim();
        if (IPNetwork.TryParse(text, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(text, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }

    /// <summary>Whether <paramref name="address"/> may use a token with <paramref name="allowlist"/> (empty: anywhere).</summary>
    public static bool Allows(IReadOnlyList<IPNetwork> allowlist, IPAddress? address)
    {
        if (allowlist.Count == 0)
        {
            return true;
        }

        if (address is null)
        {
            return false;
        }

        var normalized = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return allowlist.Any(n => n.Contains(normalized));
    }

    /// <summary>Whether every range of <paramref name="child"/> lies inside some range of <paramref name="parent"/>.</summary>
    public static bool IsWithin(IReadOnlyList<IPNetwork> child, IReadOnlyList<IPNetwork> parent) =>
        parent.Count == 0 || (child.Count > 0 && child.All(c => parent.Any(p => p.PrefixLength <= c.PrefixLength && p.Contains(c.BaseAddress))));
}
