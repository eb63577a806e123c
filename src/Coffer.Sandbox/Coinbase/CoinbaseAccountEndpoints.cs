using Coffer.Sandbox.Engine;
using Coffer.Sandbox.Keys;
using static Coffer.Sandbox.Coinbase.CoinbaseJson;

namespace Coffer.Sandbox.Coinbase;

/// <summary>Accounts (one per currency, cursor-paged) and the key's permissions (reference §3.4, §3.5).</summary>
internal static class CoinbaseAccountEndpoints
{
    private static readonly HashSet<string> Fiat = new(["USD", "EUR", "GBP"], StringComparer.Ordinal);

    public static void Map(IEndpointRouteBuilder group, CoinbaseFront front)
    {
        group.MapGet("/accounts", front.Endpoint(CoinbaseSecurity.View, Accounts));
        group.MapGet("/key_permissions", front.Endpoint(CoinbaseSecurity.View, KeyPermissionsOf));
    }

    private static IResult Accounts(CoinbaseRequest request)
    {
        // limit: default 49, max 250 (List Accounts reference; the sandbox's maximum is configurable).
        var max = request.State.Options.Coinbase.MaxAccountsPerPage;
        if (request.Limit(Math.Min(49, max), max) is not { } limit)
        {
            return InvalidArgument("limit must be a positive integer");
        }

        var all = Wallets(request).ToList();
        var start = 0;
        if (request.Query("cursor") is { } cursor)
        {
            // The cursor is the uuid of the last account of the previous page (opaque to clients).
            var index = all.FindIndex(a => a.Uuid == cursor);
            if (index < 0)
            {
                return InvalidArgument("Invalid cursor");
            }

            start = index + 1;
        }

        var page = all.Skip(start).Take(limit).ToList();
        var hasNext = start + page.Count < all.Count;
        return Ok(new
        {
            accounts = page.Select(a => AccountJson(request, a)).ToArray(),
            has_next = hasNext,
            cursor = hasNext ? page[^1].Uuid : "",
            size = page.Count,
        });
    }

    private static IResult KeyPermissionsOf(CoinbaseRequest request)
    {
        var key = request.Key!;
        return Ok(new
        {
            can_view = key.Can(KeyPermissions.Read),
            can_trade = key.Can(KeyPermissions.Trade),
            // "Indicates whether the API key has deposit/withdrawal permissions".
            can_transfer = key.Can(KeyPermissions.Withdraw) || key.Can(KeyPermissions.Transfer),
            can_receive = key.Can(KeyPermissions.Transfer),
            portfolio_uuid = PortfolioUuid(request.Account),
            portfolio_type = "DEFAULT",
        });
    }

    public static string PortfolioUuid(string account) => CoinbaseIds.Named("portfolio", account);

    /// <summary>Every currency of the sandbox's markets plus any held, by currency, each with a stable uuid.</summary>
    private static IEnumerable<Wallet> Wallets(CoinbaseRequest request)
    {
        var held = request.Engine.GetBalances(request.Account).ToDictionary(b => b.Asset, StringComparer.Ordinal);
        return request.Engine.Markets.SelectMany(m => new[] { m.Base, m.Quote }).Concat(held.Keys)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(c => new Wallet(CoinbaseIds.Named("account", request.Account + "/" + c), held.GetValueOrDefault(c) ?? new Balance(c, 0, 0)));
    }

    private static object AccountJson(CoinbaseRequest request, Wallet wallet)
    {
        var currency = wallet.Balance.Asset;
        var created = Time(request.Key!.CreatedAt);
        return new
        {
            uuid = wallet.Uuid,
            name = currency + " Wallet",
            currency,
            available_balance = new { value = Dec(wallet.Balance.Free), currency },
            @default = false,
            active = true,
            created_at = created,
            updated_at = created,
            deleted_at = (string?)null,
            type = Fiat.Contains(currency) ? "ACCOUNT_TYPE_FIAT" : "ACCOUNT_TYPE_CRYPTO",
            ready = true,
            hold = new { value = Dec(wallet.Balance.Locked), currency },
            retail_portfolio_id = PortfolioUuid(request.Account),
            platform = "ACCOUNT_PLATFORM_CONSUMER",
        };
    }

    private sealed record Wallet(string Uuid, Balance Balance);
}
