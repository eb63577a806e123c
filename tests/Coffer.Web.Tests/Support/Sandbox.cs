using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Coffer.Web.Tests.Support;

/// <summary>A key the sandbox issued through its control API, as an exchange's API-key page would show it.</summary>
internal sealed record SandboxKey(string Exchange, string ApiKey, string Secret, string Account);

/// <summary>
/// <c>coffer sandbox</c> as its own process: Binance, Kraken and Coinbase on free loopback ports (plain HTTP), and its
/// control API (<c>/sandbox/keys</c>, <c>/sandbox/accounts/{a}/deposit</c>) as the test's hand on the exchanges.
/// </summary>
internal sealed partial class Sandbox : IDisposable
{
    public static readonly string[] Exchanges = ["binance", "kraken", "coinbase"];

    private readonly CofferProcess _process;
    private readonly HttpClient _control;

    private Sandbox(CofferProcess process, IReadOnlyDictionary<string, Uri> urls)
    {
        _process = process;
        Urls = urls;
        _control = new HttpClient { BaseAddress = urls["binance"], Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Each exchange's base URL, what the wizard's advanced "base URL" field takes.</summary>
    public IReadOnlyDictionary<string, Uri> Urls { get; }

    public string Output => _process.Output;

    public static async Task<Sandbox> StartAsync(string workingDirectory)
    {
        var process = CofferProcess.Start("coffer sandbox", ["sandbox", "--exchanges", string.Join(',', Exchanges)], workingDirectory);
        try
        {
            await process.WaitForAsync(Ready(), TimeSpan.FromSeconds(90));
            var urls = new Dictionary<string, Uri>();
            foreach (var exchange in Exchanges)
            {
                var line = await process.WaitForAsync(new Regex($"^{exchange}: (?<url>http://\\S+)$", RegexOptions.CultureInvariant), TimeSpan.FromSeconds(5));
                urls[exchange] = new Uri(line.Groups["url"].Value);
            }

            return new Sandbox(process, urls);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>POST /sandbox/keys: a new key on a new account (or <paramref name="account"/>) with these permissions.</summary>
    public async Task<SandboxKey> IssueKeyAsync(string exchange, params string[] permissions)
    {
        using var response = await _control.PostAsJsonAsync("/sandbox/keys", new Dictionary<string, object> { ["exchange"] = exchange, ["permissions"] = permissions });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /sandbox/keys: {(int)response.StatusCode} {text}");
        var body = JsonDocument.Parse(text).RootElement;
        return new SandboxKey(exchange, body.GetProperty("api_key").GetString()!, body.GetProperty("secret").GetString()!, body.GetProperty("account").GetString()!);
    }

    /// <summary>POST /sandbox/accounts/{account}/deposit.</summary>
    public async Task DepositAsync(string account, string asset, decimal amount)
    {
        using var response = await _control.PostAsJsonAsync($"/sandbox/accounts/{Uri.EscapeDataString(account)}/deposit", new Dictionary<string, object> { ["asset"] = asset, ["amount"] = amount });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"deposit {amount} {asset}: {(int)response.StatusCode} {text}");
    }

    /// <summary>GET /sandbox/prices: the last price of one market (BASE/QUOTE).</summary>
    public async Task<decimal> LastPriceAsync(string symbol)
    {
        var prices = JsonDocument.Parse(await _control.GetStringAsync(new Uri("/sandbox/prices", UriKind.Relative))).RootElement;
        foreach (var price in prices.EnumerateArray())
        {
            if (price.GetProperty("symbol").GetString() == symbol)
            {
                return decimal.Parse(price.GetProperty("last").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"The sandbox has no market {symbol}.");
    }

    public void Dispose()
    {
        _control.Dispose();
        _process.Dispose();
    }

    [GeneratedRegex("^Control API:", RegexOptions.CultureInvariant)]
    private static partial Regex Ready();
}
